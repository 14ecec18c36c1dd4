package dev.trustdial.ai.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The regex splits per tokenizer.ggml.pre (GPT-2 itself is covered by the llama.cpp vectors). */
class PreTokenizerTest {

  @Test
  void gpt2KeepsSpaceWithTheFollowingWord() {
    assertThat(PreTokenizer.forName("gpt-2").split("Hello  world's 123!!"))
        .containsExactly("Hello", " ", " world", "'s", " 123", "!!");
  }

  @Test
  void llama3GroupsDigitsByThreeAndFoldsContractionCase() {
    assertThat(PreTokenizer.forName("llama-bpe").split("I'M 1234567 ok\n\n x"))
        .containsExactly("I", "'M", " ", "123", "456", "7", " ok", "\n\n", " x");
    assertThat(PreTokenizer.forName("llama-bpe").ignoreMerges()).isTrue();
  }

  @Test
  void qwen2SplitsEveryDigit() {
    assertThat(PreTokenizer.forName("qwen2").split("v12 é")).containsExactly("v", "1", "2", " é");
  }

  @Test
  void smollmSplitsDigitsBeforeGpt2() {
    assertThat(PreTokenizer.forName("smollm").split("ab 42")).containsExactly("ab", " ", "4", "2");
  }

  @Test
  void unknownPreTokenizerIsNamed() {
    assertThatThrownBy(() -> PreTokenizer.forName("klingon"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'klingon'");
  }

  @Property(tries = 300)
  void splitsConcatenateToTheInput(@ForAll String text) {
    for (String pre : new String[] {"gpt-2", "llama-bpe", "qwen2", "smollm", "default"}) {
      assertThat(String.join("", PreTokenizer.forName(pre).split(text))).isEqualTo(text);
    }
  }
}
