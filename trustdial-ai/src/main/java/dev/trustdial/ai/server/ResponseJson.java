package dev.trustdial.ai.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.inference.ApiException;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.ai.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** OpenAI response bodies and stream chunks, with the receipt attached. */
final class ResponseJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Tokenizer tokenizer;
  private final String model;
  private final String fingerprint;

  ResponseJson(Tokenizer tokenizer, String model, String fingerprint) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.fingerprint = fingerprint;
  }

  ObjectNode header(String id, String object, long created) {
    ObjectNode o = F.objectNode();
    o.put("id", id);
    o.put("object", object);
    o.put("created", created);
    o.put("model", model);
    o.put("system_fingerprint", fingerprint);
    return o;
  }

  static ObjectNode usage(int prompt, int completion) {
    ObjectNode u = F.objectNode();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    return u;
  }

  /** Full non-streaming response. */
  ObjectNode complete(String id, long created, Completion c) {
    boolean chat = c.request() instanceof ApiRequest.Chat;
    ObjectNode o = header(id, chat ? "chat.completion" : "text_completion", created);
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode msg = choice.putObject("message");
      msg.put("role", "assistant");
      msg.put("content", c.text());
      msg.putNull("refusal");
    } else {
      choice.put("text", c.text());
    }
    if (c.request().settings().logprobs()) {
      choice.set("logprobs", chat ? chatLogprobs(c.logprobs()) : textLogprobs(c.logprobs()));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", c.finishReason());
    o.set("usage", usage(c.promptTokens(), c.outputTokens().length));
    o.set("receipt", ReceiptJson.toJson(c.receipt()));
    return o;
  }

  /** One streaming chunk with a text delta (first chunk of a chat carries the role). */
  ObjectNode chunk(
      String id,
      long created,
      ApiRequest request,
      String text,
      List<TokenLogprob> logprobs,
      boolean first) {
    boolean chat = request instanceof ApiRequest.Chat;
    ObjectNode o = header(id, chat ? "chat.completion.chunk" : "text_completion", created);
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode delta = choice.putObject("delta");
      if (first) {
        delta.put("role", "assistant");
      }
      delta.put("content", text);
    } else {
      choice.put("text", text);
    }
    if (request.settings().logprobs() && !logprobs.isEmpty()) {
      choice.set("logprobs", chat ? chatLogprobs(logprobs) : textLogprobs(logprobs));
    } else {
      choice.putNull("logprobs");
    }
    choice.putNull("finish_reason");
    if (request.includeUsage()) {
      o.putNull("usage");
    }
    return o;
  }

  /** The chunk that ends the choice: finish reason and the receipt. */
  ObjectNode finalChunk(String id, long created, Completion c) {
    boolean chat = c.request() instanceof ApiRequest.Chat;
    ObjectNode o = header(id, chat ? "chat.completion.chunk" : "text_completion", created);
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      choice.putObject("delta");
    } else {
      choice.put("text", "");
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", c.finishReason());
    if (c.request().includeUsage()) {
      o.putNull("usage");
    }
    o.set("receipt", ReceiptJson.toJson(c.receipt()));
    return o;
  }

  /** With stream_options.include_usage: the last chunk, no choices, only usage. */
  ObjectNode usageChunk(String id, long created, Completion c) {
    boolean chat = c.request() instanceof ApiRequest.Chat;
    ObjectNode o = header(id, chat ? "chat.completion.chunk" : "text_completion", created);
    o.putArray("choices");
    o.set("usage", usage(c.promptTokens(), c.outputTokens().length));
    return o;
  }

  private ObjectNode tokenEntry(int token, double logprob) {
    byte[] b = tokenizer.pieceBytes(token, true);
    ObjectNode e = F.objectNode();
    e.put("token", new String(b, StandardCharsets.UTF_8));
    e.put("logprob", logprob);
    ArrayNode bytes = e.putArray("bytes");
    for (byte x : b) {
      bytes.add(x & 0xFF);
    }
    return e;
  }

  private ObjectNode chatLogprobs(List<TokenLogprob> lps) {
    ObjectNode o = F.objectNode();
    ArrayNode content = o.putArray("content");
    for (TokenLogprob lp : lps) {
      ObjectNode e = tokenEntry(lp.token(), lp.logprob());
      ArrayNode top = e.putArray("top_logprobs");
      for (TokenLogprob t : lp.top()) {
        top.add(tokenEntry(t.token(), t.logprob()));
      }
      content.add(e);
    }
    o.putNull("refusal");
    return o;
  }

  private ObjectNode textLogprobs(List<TokenLogprob> lps) {
    ObjectNode o = F.objectNode();
    ArrayNode tokens = o.putArray("tokens");
    ArrayNode values = o.putArray("token_logprobs");
    ArrayNode tops = o.putArray("top_logprobs");
    ArrayNode offsets = o.putArray("text_offset");
    int offset = 0;
    for (TokenLogprob lp : lps) {
      String piece = new String(tokenizer.pieceBytes(lp.token(), false), StandardCharsets.UTF_8);
      tokens.add(piece);
      values.add(lp.logprob());
      ObjectNode top = tops.addObject();
      for (TokenLogprob t : lp.top()) {
        top.put(
            new String(tokenizer.pieceBytes(t.token(), false), StandardCharsets.UTF_8),
            t.logprob());
      }
      offsets.add(offset);
      offset += piece.length();
    }
    return o;
  }

  static ObjectNode error(ApiException e) {
    ObjectNode o = F.objectNode();
    ObjectNode err = o.putObject("error");
    err.put("message", e.getMessage());
    err.put("type", e.type());
    if (e.param().isEmpty()) {
      err.putNull("param");
    } else {
      err.put("param", e.param());
    }
    err.put("code", e.code());
    return o;
  }
}
