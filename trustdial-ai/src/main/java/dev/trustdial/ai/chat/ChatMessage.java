package dev.trustdial.ai.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One chat turn as the OpenAI API carries it. Content is text (parts are joined by the server). */
public record ChatMessage(
    String role,
    String content,
    Optional<String> name,
    List<ToolCall> toolCalls,
    Optional<String> toolCallId) {

  /** A function call an assistant turn made; {@code arguments} is the JSON text as sent. */
  public record ToolCall(String id, String type, String functionName, String arguments) {
    public ToolCall {
      Objects.requireNonNull(id);
      Objects.requireNonNull(type);
      Objects.requireNonNull(functionName);
      Objects.requireNonNull(arguments);
    }
  }

  public ChatMessage {
    Objects.requireNonNull(role);
    Objects.requireNonNull(content);
    Objects.requireNonNull(name);
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(toolCallId);
  }

  public static ChatMessage of(String role, String content) {
    return new ChatMessage(role, content, Optional.empty(), List.of(), Optional.empty());
  }

  /** The shape chat templates expect (Hugging Face conventions). */
  Map<String, Object> toTemplateValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", content);
    name.ifPresent(n -> m.put("name", n));
    toolCallId.ifPresent(id -> m.put("tool_call_id", id));
    if (!toolCalls.isEmpty()) {
      m.put(
          "tool_calls",
          toolCalls.stream()
              .map(tc -> {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", tc.functionName());
                fn.put("arguments", tc.arguments());
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", tc.id());
                call.put("type", tc.type());
                call.put("function", fn);
                return call;
              })
              .toList());
    }
    return m;
  }
}
