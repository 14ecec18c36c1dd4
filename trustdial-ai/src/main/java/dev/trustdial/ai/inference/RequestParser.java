package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trustdial.ai.chat.ChatMessage;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.SamplingParams.Range;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses OpenAI request bodies strictly: unknown or unsupported parameters are refused rather than
 * ignored, since a receipt must bind everything that shaped the output. Reads canonical requests
 * (docs/spec/receipt.md) back too.
 */
public final class RequestParser {

  private static final Set<String> COMMON =
      Set.of(
          "endpoint",
          "model",
          "max_tokens",
          "temperature",
          "top_p",
          "top_k",
          "min_p",
          "repetition_penalty",
          "frequency_penalty",
          "presence_penalty",
          "seed",
          "stop",
          "stream",
          "stream_options",
          "logprobs",
          "n",
          "user");
  private static final Set<String> CHAT_ONLY =
      Set.of(
          "messages",
          "max_completion_tokens",
          "top_logprobs",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "response_format");
  private static final Set<String> TEXT_ONLY = Set.of("prompt", "echo", "best_of", "suffix");
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");
  static final int MAX_TOP_LOGPROBS = 20;
  static final int MAX_TEXT_TOP_LOGPROBS = 5;

  private final String servedModel;
  private final RequestLimits limits;

  public RequestParser(String servedModel, RequestLimits limits) {
    this.servedModel = servedModel;
    this.limits = limits;
  }

  public ApiRequest parse(String endpoint, JsonNode body) {
    if (!(body != null && body.isObject())) {
      throw ApiException.badRequest("", "the request body must be a JSON object");
    }
    boolean chat =
        switch (endpoint) {
          case ApiRequest.CHAT_ENDPOINT -> true;
          case ApiRequest.TEXT_ENDPOINT -> false;
          default -> throw new IllegalArgumentException(endpoint);
        };
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!COMMON.contains(k) && !(chat ? CHAT_ONLY : TEXT_ONLY).contains(k)) {
        throw ApiException.badRequest(k, "unsupported parameter '" + k + "' for " + endpoint);
      }
    }
    if (body.has("endpoint") && !endpoint.equals(body.get("endpoint").asText())) {
      throw ApiException.badRequest(
          "endpoint", "this request was made for " + body.get("endpoint").asText());
    }
    String model =
        string(body, "model")
            .orElseThrow(() -> ApiException.badRequest("model", "'model' is required"));
    if (!model.equals(servedModel)) {
      throw new ApiException(
          404,
          "invalid_request_error",
          "model",
          "model_not_found",
          "The model '" + model + "' does not exist; this server serves '" + servedModel + "'");
    }
    if (body.has("n") && !(body.get("n").isIntegralNumber() && body.get("n").asLong() == 1)) {
      throw ApiException.badRequest("n", "only n=1 is supported");
    }
    boolean stream = bool(body, "stream").orElse(false);
    boolean includeUsage = false;
    if (body.has("stream_options") && !body.get("stream_options").isNull()) {
      JsonNode so = body.get("stream_options");
      if (!so.isObject()) {
        throw ApiException.badRequest("stream_options", "stream_options must be an object");
      }
      includeUsage = bool(so, "include_usage").orElse(false);
    }
    Optional<String> user = string(body, "user");

    Optional<Integer> maxTokens = integer(body, "max_tokens", 1, limits.maxTokens());
    if (chat && body.has("max_completion_tokens") && !body.get("max_completion_tokens").isNull()) {
      maxTokens = integer(body, "max_completion_tokens", 1, limits.maxTokens());
    }
    List<String> stop = stop(body);
    boolean logprobs;
    int topLogprobs;
    if (chat) {
      logprobs = bool(body, "logprobs").orElse(false);
      topLogprobs = integer(body, "top_logprobs", 0, MAX_TOP_LOGPROBS).orElse(0);
      if (topLogprobs > 0 && !logprobs) {
        throw ApiException.badRequest("top_logprobs", "top_logprobs requires logprobs: true");
      }
    } else {
      Optional<Integer> lp = integer(body, "logprobs", 0, MAX_TEXT_TOP_LOGPROBS);
      logprobs = lp.isPresent();
      topLogprobs = lp.orElse(0);
    }
    Optional<Long> seed = Optional.empty();
    if (body.has("seed") && !body.get("seed").isNull()) {
      JsonNode s = body.get("seed");
      if (!s.isIntegralNumber()
          || !s.canConvertToLong()
          || s.asLong() < 0
          || s.asLong() > SamplingParams.MAX_SEED) {
        throw ApiException.badRequest("seed", "seed must be an integer in [0, 2^53-1]");
      }
      seed = Optional.of(s.asLong());
    }
    SamplingParams sampling =
        new SamplingParams(
            number(body, SamplingParams.TEMPERATURE).orElse(1.0),
            (int) number(body, SamplingParams.TOP_K, true).orElse(0.0).doubleValue(),
            number(body, SamplingParams.TOP_P).orElse(1.0),
            number(body, SamplingParams.MIN_P).orElse(0.0),
            number(body, SamplingParams.REPETITION_PENALTY).orElse(1.0),
            number(body, SamplingParams.FREQUENCY_PENALTY).orElse(0.0),
            number(body, SamplingParams.PRESENCE_PENALTY).orElse(0.0),
            seed.orElse(0L));
    GenerationSettings settings =
        new GenerationSettings(maxTokens, sampling, seed.isPresent(), stop, logprobs, topLogprobs);

    if (!chat) {
      if (bool(body, "echo").orElse(false)) {
        throw ApiException.badRequest("echo", "echo is not supported");
      }
      if (body.has("suffix") && !body.get("suffix").isNull()) {
        throw ApiException.badRequest("suffix", "suffix is not supported");
      }
      if (body.has("best_of")
          && !(body.get("best_of").isIntegralNumber() && body.get("best_of").asLong() == 1)) {
        throw ApiException.badRequest("best_of", "only best_of=1 is supported");
      }
      JsonNode p = body.get("prompt");
      if (p != null && p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
        p = p.get(0);
      }
      if (p != null && p.isArray()) {
        throw ApiException.badRequest(
            "prompt",
            p.size() > 1 && p.get(0).isTextual()
                ? "a batch of "
                    + p.size()
                    + " prompts is not supported (n=1 servers take one prompt per request): send one request "
                    + "per prompt"
                : "a prompt given as token ids is not supported: send the text, as a string or a one-element array");
      }
      if (p == null || !p.isTextual()) {
        throw ApiException.badRequest(
            "prompt", "prompt must be a string or an array holding one string");
      }
      return new ApiRequest.Text(model, p.textValue(), settings, stream, includeUsage, user);
    }

    JsonNode rf = body.get("response_format");
    if (rf != null && !rf.isNull() && !(rf.isObject() && "text".equals(rf.path("type").asText()))) {
      throw ApiException.badRequest(
          "response_format", "only response_format {\"type\": \"text\"} is supported");
    }
    List<JsonNode> tools = new ArrayList<>();
    JsonNode t = body.get("tools");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw ApiException.badRequest("tools", "tools must be an array");
      }
      for (JsonNode tool : t) {
        if (!tool.isObject()) {
          throw ApiException.badRequest("tools", "each tool must be an object");
        }
        tools.add(tool.deepCopy());
      }
    }
    JsonNode toolChoice = body.get("tool_choice");
    if (toolChoice == null || toolChoice.isNull()) {
      toolChoice = TextNode.valueOf(tools.isEmpty() ? "none" : "auto");
    } else if (!toolChoice.isTextual() && !toolChoice.isObject()) {
      throw ApiException.badRequest("tool_choice", "tool_choice must be a string or an object");
    }
    return new ApiRequest.Chat(
        model, messages(body), tools, toolChoice.deepCopy(), settings, stream, includeUsage, user);
  }

  private List<ChatMessage> messages(JsonNode body) {
    JsonNode ms = body.get("messages");
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      throw ApiException.badRequest("messages", "messages must be a non-empty array");
    }
    if (ms.size() > limits.maxMessages()) {
      throw ApiException.badRequest(
          "messages", "at most " + limits.maxMessages() + " messages are accepted");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) {
        throw ApiException.badRequest(where, where + " must be an object");
      }
      for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!Set.of("role", "content", "name", "tool_calls", "tool_call_id", "refusal")
            .contains(k)) {
          throw ApiException.badRequest(where + "." + k, "unsupported message field '" + k + "'");
        }
      }
      String role =
          string(m, "role")
              .orElseThrow(() -> ApiException.badRequest(where + ".role", "role is required"));
      if (!ROLES.contains(role)) {
        throw ApiException.badRequest(where + ".role", "unknown role '" + role + "'");
      }
      String content = content(m.get("content"), where);
      List<ChatMessage.ToolCall> calls = new ArrayList<>();
      JsonNode tc = m.get("tool_calls");
      if (tc != null && !tc.isNull()) {
        if (!tc.isArray() || !role.equals("assistant")) {
          throw ApiException.badRequest(
              where + ".tool_calls", "tool_calls must be an array on an assistant message");
        }
        for (JsonNode c : tc) {
          JsonNode fn = c.path("function");
          if (!c.path("id").isTextual()
              || !fn.path("name").isTextual()
              || !fn.path("arguments").isTextual()) {
            throw ApiException.badRequest(
                where + ".tool_calls",
                "each tool call needs id, function.name and function.arguments");
          }
          calls.add(
              new ChatMessage.ToolCall(
                  c.get("id").textValue(),
                  c.path("type").asText("function"),
                  fn.get("name").textValue(),
                  fn.get("arguments").textValue()));
        }
      }
      Optional<String> toolCallId = string(m, "tool_call_id");
      if (role.equals("tool") && toolCallId.isEmpty()) {
        throw ApiException.badRequest(where + ".tool_call_id", "a tool message needs tool_call_id");
      }
      out.add(new ChatMessage(role, content, string(m, "name"), calls, toolCallId));
    }
    return out;
  }

  /**
   * A string, or text parts joined; null only where OpenAI allows it (assistant with tool calls).
   */
  private static String content(JsonNode c, String where) {
    if (c == null || c.isNull()) {
      return "";
    }
    if (c.isTextual()) {
      return c.textValue();
    }
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw ApiException.badRequest(
              where + ".content", "only text content parts are supported");
        }
        sb.append(part.get("text").textValue());
      }
      return sb.toString();
    }
    throw ApiException.badRequest(
        where + ".content", "content must be a string or an array of text parts");
  }

  private List<String> stop(JsonNode body) {
    JsonNode s = body.get("stop");
    List<String> out = new ArrayList<>();
    if (s == null || s.isNull()) {
      return out;
    }
    if (s.isTextual()) {
      out.add(s.textValue());
    } else if (s.isArray()) {
      for (JsonNode x : s) {
        if (!x.isTextual()) {
          throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
        }
        out.add(x.textValue());
      }
    } else {
      throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
    }
    if (out.size() > limits.maxStop()) {
      throw ApiException.badRequest(
          "stop", "at most " + limits.maxStop() + " stop strings are accepted");
    }
    for (String x : out) {
      if (x.isEmpty() || x.length() > limits.maxStopChars()) {
        throw ApiException.badRequest(
            "stop", "stop strings must have 1.." + limits.maxStopChars() + " chars");
      }
    }
    return out;
  }

  private static Optional<String> string(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(k, "'" + k + "' must be a string");
    }
    return Optional.of(v.textValue());
  }

  private static Optional<Boolean> bool(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest(k, "'" + k + "' must be a boolean");
    }
    return Optional.of(v.booleanValue());
  }

  private static Optional<Integer> integer(JsonNode o, String k, int min, int max) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ApiException.badRequest(
          k, "'" + k + "' must be an integer in [" + min + ", " + max + "]");
    }
    return Optional.of((int) v.asLong());
  }

  /**
   * A number within a sampling range of {@link SamplingParams#RANGES}; the error quotes the range.
   */
  private static Optional<Double> number(JsonNode o, Range r) {
    return number(o, r, false);
  }

  private static Optional<Double> number(JsonNode o, Range r, boolean integral) {
    JsonNode v = o.get(r.key());
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!(integral ? v.isIntegralNumber() && v.canConvertToLong() : v.isNumber())
        || !r.contains(v.asDouble())) {
      throw ApiException.badRequest(
          r.key(),
          "'" + r.key() + "' must be " + (integral ? "an integer" : "a number") + " in " + r);
    }
    return Optional.of(v.asDouble());
  }
}
