package dev.trustdial.ai.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.gguf.GgufFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every line of llama.cpp's tokenizer vectors (src/test/resources/tokenizers/README.md). */
class TokenizerConformanceTest {

  static Path resource(String name) {
    try {
      return Path.of(TokenizerConformanceTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  record Case(String vocab, int index, String text, int[] expected) {
    @Override
    public String toString() {
      return vocab + "#" + index + " " + text.replace("\n", "\\n").replace("\t", "\\t");
    }
  }

  static List<Case> cases(String vocab) {
    return cases(vocab, vocab);
  }

  /** The strings of {@code inputs}.inp with the ids of {@code vocab}.out. */
  static List<Case> cases(String inputs, String vocab) {
    try {
      String inp =
          Files.readString(resource("/tokenizers/" + inputs + ".inp"), StandardCharsets.UTF_8);
      List<String> out =
          Files.readAllLines(resource("/tokenizers/" + vocab + ".out"), StandardCharsets.UTF_8);
      String sep = "\n__ggml_vocab_test__\n";
      List<String> texts = new ArrayList<>();
      int pos = 0;
      while (pos < inp.length()) {
        int next = inp.indexOf(sep, pos);
        if (next < 0) {
          texts.add(inp.substring(pos));
          break;
        }
        texts.add(inp.substring(pos, next));
        pos = next + sep.length();
      }
      assertThat(texts).hasSameSizeAs(out);
      List<Case> cases = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        String line = out.get(i).trim();
        int[] ids =
            line.isEmpty()
                ? new int[0]
                : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
        cases.add(new Case(vocab, i, texts.get(i), ids));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final Tokenizer SPM;
  static final Tokenizer GPT2;

  static {
    try (GgufFile spm = GgufFile.open(resource("/tokenizers/ggml-vocab-llama-spm.gguf"));
        GgufFile gpt2 = GgufFile.open(resource("/tokenizers/ggml-vocab-gpt-2.gguf"))) {
      SPM = Tokenizers.fromGguf(spm);
      GPT2 = Tokenizers.fromGguf(gpt2);
    }
  }

  static Stream<Arguments> all() {
    return Stream.concat(
            cases("ggml-vocab-llama-spm.gguf").stream(), cases("ggml-vocab-gpt-2.gguf").stream())
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void reproducesLlamaCppTokenIds(Case c) {
    Tokenizer t = c.vocab().contains("spm") ? SPM : GPT2;
    assertThat(t.encode(c.text(), false, false)).as(c.toString()).containsExactly(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void decodingTheIdsGivesTheTextBack(Case c) {
    Tokenizer t = c.vocab().contains("spm") ? SPM : GPT2;
    String decoded = t.decode(c.expected());
    // SentencePiece adds a dummy space prefix, which decoding keeps
    String expected =
        t instanceof SentencePieceBpe && !c.text().isEmpty() ? " " + c.text() : c.text();
    assertThat(decoded).isEqualTo(expected);
  }
}
