package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Family;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Spec;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * llama.cpp as the peer for each model family (resources/llamacpp-reference/family-vectors.json,
 * made by bench/ai/families/run.sh): on the generated F32 model of the family, our tokenizer gives
 * llama.cpp's prompt ids (a plain text and a chat rendered with the family's template), our logits
 * after each of llama.cpp's greedy prefixes match its top-3 logits, and our own greedy run gives
 * its tokens. Mistral is absent: llama.cpp runs llama-architecture files without a sliding window.
 */
class FamilyReferenceTest {
  @TempDir Path dir;

  static Stream<JsonNode> models() throws Exception {
    try (InputStream in =
        FamilyReferenceTest.class.getResourceAsStream("/llamacpp-reference/family-vectors.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<JsonNode> out = new ArrayList<>();
      root.get("models").forEach(out::add);
      return out.stream();
    }
  }

  /**
   * F32 logits differ from llama.cpp's only by summation order (measured ≤ 5e-6); Gemma's by up to
   * 2e-3 more, because llama.cpp's CPU GELU reads a table indexed by the fp16-rounded input.
   */
  static double tolerance(Family f) {
    return f.architecture().gemma() ? 5e-3 : 5e-5;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesLlamaCpp(JsonNode model) throws Exception {
    Family family = Family.fromLabel(model.get("family").asText());
    Path file = dir.resolve(family.label() + ".gguf");
    BenchmarkModelGenerator.write(Spec.tiny(family, TensorType.F32, 7), file);
    assertThat(
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
        .as("the generated %s model is the file llama.cpp ran", family)
        .isEqualTo(model.get("sha256").asText());
    Tokenizer tok;
    try (GgufFile g = GgufFile.open(file)) {
      tok = Tokenizers.fromGguf(g);
    }
    double tol = tolerance(family);
    try (Engine e = Engine.load(file, EngineOptions.defaults().withThreads(1))) {
      for (JsonNode p : model.get("prompts")) {
        int[] prompt = ints(p.get("prompt_ids"));
        assertThat(tok.encode(p.get("text").asText(), true, true))
            .as("%s prompt ids", family)
            .containsExactly(prompt);
        int[] greedy = ints(p.get("greedy"));
        JsonNode steps = p.get("steps");
        int freeRunning =
            steps.size(); // our free-running greedy must agree up to the first close call
        for (int s = 0; s < steps.size(); s++) {
          int[] prefix = Arrays.copyOf(prompt, prompt.length + s);
          System.arraycopy(greedy, 0, prefix, prompt.length, s);
          float[] logits = e.logits(prefix);
          JsonNode top = steps.get(s);
          for (JsonNode t : top) {
            assertThat((double) logits[t.get(0).asInt()])
                .as("%s step %d token %d", family, s, t.get(0).asInt())
                .isCloseTo(t.get(1).asDouble(), Offset.offset(tol));
          }
          double margin = top.get(0).get(1).asDouble() - top.get(1).get(1).asDouble();
          if (margin > 2 * tol) {
            assertThat(argmax(logits)).as("%s step %d greedy", family, s).isEqualTo(greedy[s]);
          } else if (freeRunning == steps.size()) {
            freeRunning = s;
          }
        }
        if (freeRunning > 0) {
          int[] ours =
              e.generate(
                      new GenerationRequest(
                          prompt, SamplingParams.greedy(), freeRunning, Set.of(), 0),
                      TokenSink.discard())
                  .tokens();
          assertThat(ours)
              .as("%s free-running greedy", family)
              .containsExactly(Arrays.copyOf(greedy, freeRunning));
        }
      }
    }
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  private static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
