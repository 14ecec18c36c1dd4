package dev.trustdial.ai.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

  static final List<ChatMessage> CONVO =
      List.of(
          ChatMessage.of("system", "Be brief."),
          ChatMessage.of("user", "Hi"),
          ChatMessage.of("assistant", "Hello!"),
          ChatMessage.of("user", "Tell me a story"));

  @Test
  void rendersChatMlByDefault() {
    ChatTemplate t = new ChatTemplate(ChatTemplate.CHATML, "<s>", "</s>");
    assertThat(t.render(CONVO, true, List.of()))
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nTell me a story<|im_end|>\n"
                + "<|im_start|>assistant\n");
    assertThat(t.render(CONVO.subList(0, 2), false, List.of())).doesNotEndWith("assistant\n");
  }

  /** The Llama 3 instruct template (as published with the model), exercising set, loop and trim. */
  static final String LLAMA3 =
      "{% set loop_messages = messages %}{% for message in loop_messages %}"
          + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
          + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

  @Test
  void rendersLlama3Template() {
    ChatTemplate t = new ChatTemplate(LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
    assertThat(t.render(List.of(ChatMessage.of("user", "  Hi  ")), true, List.of()))
        .isEqualTo(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  /** Llama 2 style: alternation enforced with raise_exception, block tags on their own lines. */
  static final String LLAMA2 =
      """
      {% for message in messages %}
          {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
              {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
          {% endif %}
          {% if message['role'] == 'user' %}
              {{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}
          {% elif message['role'] == 'assistant' %}
              {{ ' ' + message['content'] + ' ' + eos_token }}
          {% endif %}
      {% endfor %}\
      """;

  @Test
  void trimBlocksAndRaiseException() {
    ChatTemplate t = new ChatTemplate(LLAMA2, "<s>", "</s>");
    String out =
        t.render(
            List.of(ChatMessage.of("user", "a"), ChatMessage.of("assistant", "b")),
            false,
            List.of());
    // as Jinja2 with trim_blocks + lstrip_blocks: block-tag lines vanish, expression lines keep
    // their indent
    assertThat(out).isEqualTo("        <s>[INST] a [/INST]\n         b </s>\n");
    assertThatThrownBy(() -> t.render(List.of(ChatMessage.of("assistant", "x")), false, List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("roles must alternate");
  }

  @Test
  void exposesToolCallsAndTools() {
    String src =
        "{% for m in messages %}{{ m.role }}:{% if m.tool_calls %}{% for c in m.tool_calls %}"
            + "{{ c.function.name }}({{ c.function.arguments }}){% endfor %}{% else %}{{ m.content }}{% endif %};{% endfor %}"
            + "{% if tools %}tools={{ tools | length }}{% endif %}";
    ChatTemplate t = new ChatTemplate(src, "", "");
    ChatMessage call =
        new ChatMessage(
            "assistant",
            "",
            Optional.empty(),
            List.of(
                new ChatMessage.ToolCall("c1", "function", "get_weather", "{\"city\":\"Oslo\"}")),
            Optional.empty());
    ChatMessage result =
        new ChatMessage("tool", "sunny", Optional.empty(), List.of(), Optional.of("c1"));
    assertThat(t.render(List.of(call, result), false, List.of(Map.of("type", "function"))))
        .isEqualTo("assistant:get_weather({\"city\":\"Oslo\"});tool:sunny;tools=1");
  }

  @Test
  void brokenTemplateIsAnInputError() {
    ChatTemplate t = new ChatTemplate("{% for %}", "", "");
    assertThatThrownBy(() -> t.render(CONVO, true, List.of()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void pythonStringMethodsAndNamespaceWork() {
    String src =
        "{% set ns = namespace(sys=false) %}{% for m in messages %}{% if m.role == 'system' %}"
            + "{% set ns.sys = true %}{% endif %}{% if m.content.startswith(' He') and m.content.endswith('o ') %}"
            + "{{ m.content.strip().upper() }}|{{ m.content.lstrip().lower() }}|{{ m.content.rstrip() }}.{% endif %}"
            + "{% endfor %}{{ ns.sys }}";
    ChatTemplate t = new ChatTemplate(src, "", "");
    assertThat(t.render(List.of(ChatMessage.of("user", " Hello ")), false, List.of()))
        .isEqualTo("HELLO|hello | Hello.false");
  }
}
