package dev.trustdial.ai.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Family;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Spec;
import dev.trustdial.ai.model.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokenizer conformance for the families whose real vocabularies we may not ship (Llama 3, Phi-3,
 * Gemma): llama.cpp's own test strings (the shared ggml-vocab-*.inp) tokenized by llama.cpp with a
 * vocabulary we generate in that family's format (byte-level BPE with the llama-bpe pre-tokenizer;
 * SentencePiece with chat control tokens; SentencePiece without the space prefix). The vocabulary
 * is regenerated here byte for byte (sha256 below = the file llama.cpp ran); the expected ids are
 * in resources/tokenizers/generated-vocab-FAMILY.gguf.out (bench/ai/families/run.sh,
 * tokenizers/README.md).
 */
class GeneratedVocabConformanceTest {
  static final Map<Family, String> SHA256 =
      Map.of(
          Family.LLAMA3, "70255a641b83b34b7c445553d674668353e871d9b09c65a7cb324ed669f5ba9b",
          Family.PHI3, "a8bf26a374a4a3a85457c0a2ead2706bcf470be9b399439f03918810778fc314",
          Family.GEMMA2, "771abbe9a9631a3a479c2daff1a362685911a5e4481ef65bd1fe4d3477224ff5");

  record Case(Family family, Tokenizer tokenizer, int index, String text, int[] expected) {
    @Override
    public String toString() {
      return family.label() + "#" + index + " " + text.replace("\n", "\\n").replace("\t", "\\t");
    }
  }

  static Stream<Arguments> cases() throws Exception {
    List<Arguments> out = new ArrayList<>();
    Path dir = Files.createTempDirectory("td-vocab");
    for (Family family : List.of(Family.LLAMA3, Family.PHI3, Family.GEMMA2)) {
      Path file = dir.resolve("vocab-" + family.label() + ".gguf");
      BenchmarkModelGenerator.write(Spec.vocabulary(family, TensorType.Q8_0, 11), file);
      String sha =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
      assertThat(sha)
          .as("generated %s vocabulary = the file llama.cpp tokenized with", family)
          .isEqualTo(SHA256.get(family));
      Tokenizer tokenizer;
      try (GgufFile g = GgufFile.open(file)) {
        tokenizer = Tokenizers.fromGguf(g);
      }
      Files.delete(file);
      String vectors = "generated-vocab-" + family.label() + ".gguf";
      // The test strings are llama.cpp's, the same for every vocabulary
      // (ggml-vocab-gpt-2.gguf.inp).
      List<TokenizerConformanceTest.Case> lines =
          TokenizerConformanceTest.cases("ggml-vocab-gpt-2.gguf", vectors);
      for (TokenizerConformanceTest.Case c : lines) {
        out.add(Arguments.of(new Case(family, tokenizer, c.index(), c.text(), c.expected())));
      }
    }
    Files.delete(dir);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesLlamaCppTokenIds(Case c) {
    assertThat(c.tokenizer().encode(c.text(), false, false))
        .as(c.toString())
        .containsExactly(c.expected());
  }
}
