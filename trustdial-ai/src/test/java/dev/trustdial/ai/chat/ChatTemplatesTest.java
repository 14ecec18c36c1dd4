package dev.trustdial.ai.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The family chat templates the generated models carry: each family's turn layout, exactly. */
class ChatTemplatesTest {
  static final List<ChatMessage> CONVO =
      List.of(
          ChatMessage.of("system", "Be brief."),
          ChatMessage.of("user", " Hi "),
          ChatMessage.of("assistant", "Hello!"),
          ChatMessage.of("user", "Tell me a story"));

  @Test
  void llama3() {
    ChatTemplate t = new ChatTemplate(ChatTemplates.LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
    assertThat(t.render(CONVO, true, List.of()))
        .isEqualTo(
            "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nTell me a story<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  @Test
  void mistralPutsTheSystemMessageInTheFirstInstructionAndRefusesOtherRoles() {
    ChatTemplate t = new ChatTemplate(ChatTemplates.MISTRAL, "<s>", "</s>");
    assertThat(t.render(CONVO, true, List.of()))
        .isEqualTo("<s>[INST] Be brief.\n\n Hi  [/INST]Hello!</s>[INST] Tell me a story [/INST]");
    assertThat(t.render(CONVO.subList(1, 2), true, List.of())).isEqualTo("<s>[INST]  Hi  [/INST]");
    assertThatThrownBy(() ->
            t.render(
                List.of(ChatMessage.of("user", "a"), ChatMessage.of("system", "late")),
                true,
                List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Mistral");
  }

  @Test
  void phi3() {
    ChatTemplate t = new ChatTemplate(ChatTemplates.PHI3, "<s>", "<|endoftext|>");
    assertThat(t.render(CONVO, true, List.of()))
        .isEqualTo(
            "<|system|>\nBe brief.<|end|>\n<|user|>\n Hi <|end|>\n"
                + "<|assistant|>\nHello!<|end|>\n<|user|>\nTell me a story<|end|>\n<|assistant|>\n");
    assertThat(t.render(CONVO.subList(1, 2), false, List.of()))
        .isEqualTo("<|user|>\n Hi <|end|>\n");
  }

  @Test
  void gemmaNamesTheAssistantModelAndFoldsTheSystemMessageIn() {
    ChatTemplate t = new ChatTemplate(ChatTemplates.GEMMA, "<bos>", "<eos>");
    assertThat(t.render(CONVO, true, List.of()))
        .isEqualTo(
            "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
                + "<start_of_turn>model\nHello!<end_of_turn>\n<start_of_turn>user\nTell me a story<end_of_turn>\n"
                + "<start_of_turn>model\n");
    assertThatThrownBy(() ->
            t.render(
                List.of(ChatMessage.of("user", "a"), ChatMessage.of("system", "late")),
                true,
                List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Gemma");
  }
}
