package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.chat.ChatMessage;
import java.util.List;
import java.util.Optional;

/** A parsed OpenAI request: chat or text completion. */
public sealed interface ApiRequest {

  String CHAT_ENDPOINT = "/v1/chat/completions";
  String TEXT_ENDPOINT = "/v1/completions";

  String model();

  GenerationSettings settings();

  boolean stream();

  boolean includeUsage();

  Optional<String> user();

  ApiRequest withSettings(GenerationSettings settings);

  String endpoint();

  record Chat(
      String model,
      List<ChatMessage> messages,
      List<JsonNode> tools,
      JsonNode toolChoice,
      GenerationSettings settings,
      boolean stream,
      boolean includeUsage,
      Optional<String> user)
      implements ApiRequest {
    public Chat {
      messages = List.copyOf(messages);
      tools = List.copyOf(tools);
    }

    @Override
    public Chat withSettings(GenerationSettings s) {
      return new Chat(model, messages, tools, toolChoice, s, stream, includeUsage, user);
    }

    @Override
    public String endpoint() {
      return CHAT_ENDPOINT;
    }
  }

  record Text(
      String model,
      String prompt,
      GenerationSettings settings,
      boolean stream,
      boolean includeUsage,
      Optional<String> user)
      implements ApiRequest {
    @Override
    public Text withSettings(GenerationSettings s) {
      return new Text(model, prompt, s, stream, includeUsage, user);
    }

    @Override
    public String endpoint() {
      return TEXT_ENDPOINT;
    }
  }

  /**
   * The canonical request (docs/spec/receipt.md): every field that can change the output, with
   * defaults resolved, in a form {@link RequestParser} reads back to an equal request. Transport
   * options (stream, stream_options) are not part of it.
   */
  default ObjectNode canonical() {
    GenerationSettings s = settings();
    if (s.maxTokens().isEmpty() || s.seed().isEmpty()) {
      throw new IllegalStateException("canonical form needs resolved max_tokens and seed");
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("endpoint", endpoint());
    o.put("model", model());
    switch (this) {
      case Chat c -> {
        ArrayNode msgs = o.putArray("messages");
        for (ChatMessage m : c.messages()) {
          ObjectNode mo = msgs.addObject();
          mo.put("role", m.role());
          mo.put("content", m.content());
          m.name().ifPresent(n -> mo.put("name", n));
          m.toolCallId().ifPresent(id -> mo.put("tool_call_id", id));
          if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = mo.putArray("tool_calls");
            for (ChatMessage.ToolCall tc : m.toolCalls()) {
              ObjectNode co = calls.addObject();
              co.put("id", tc.id());
              co.put("type", tc.type());
              ObjectNode fn = co.putObject("function");
              fn.put("name", tc.functionName());
              fn.put("arguments", tc.arguments());
            }
          }
        }
        ArrayNode tools = o.putArray("tools");
        c.tools().forEach(t -> tools.add(t.deepCopy()));
        o.set("tool_choice", c.toolChoice().deepCopy());
        o.put("logprobs", s.logprobs());
        o.put("top_logprobs", s.topLogprobs());
      }
      case Text t -> {
        o.put("prompt", t.prompt());
        if (s.logprobs()) {
          o.put("logprobs", s.topLogprobs());
        } else {
          o.putNull("logprobs");
        }
      }
    }
    o.put("max_tokens", s.maxTokens().get());
    o.put("temperature", s.sampling().temperature());
    o.put("top_k", s.sampling().topK());
    o.put("top_p", s.sampling().topP());
    o.put("min_p", s.sampling().minP());
    o.put("repetition_penalty", s.sampling().repetitionPenalty());
    o.put("frequency_penalty", s.sampling().frequencyPenalty());
    o.put("presence_penalty", s.sampling().presencePenalty());
    o.put("seed", s.seed().get());
    ArrayNode stop = o.putArray("stop");
    s.stop().forEach(stop::add);
    o.put("n", 1);
    user().ifPresent(u -> o.put("user", u));
    return o;
  }
}
