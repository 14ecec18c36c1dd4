package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.gguf.GgufTensorInfo;
import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.MappedFile;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * llama.cpp as the peer (resources/llamacpp-reference/README.md): on generated llama, qwen3 and
 * qwen2 models in F32, Q8_0 and llama-quantize's Q4_K_M / Q6_K, our tokenizer gives llama.cpp's
 * prompt ids, our logits stay within a stated tolerance of llama.cpp's top-5 logits at every step,
 * and our greedy tokens equal llama.cpp's wherever its top-2 margin exceeds twice that tolerance.
 * Exact logits are impossible by construction: llama.cpp sums in other orders, and its activation
 * quantization differs in rounding (Q8_0: fp16 block scale; Q8_K: scale −127/max and d = 1/iscale),
 * so a quantized activation occasionally differs by one step (README, "Why not bit-equal").
 */
class LlamaCppReferenceTest {
  private static final String DIR = "/llamacpp-reference/";

  /** |our logit − llama.cpp's| bounds, measured maxima ×≈2 (README): sum order only for F32. */
  private static final double F32_TOLERANCE = 1e-4;

  private static final double K_QUANT_TOLERANCE = 0.08;
  private static final double Q8_0_TOLERANCE = 0.12;

  @TempDir static Path dir;

  record Step(int token, int[] topIds, double[] topLogits) {
    double margin() {
      return topLogits[0] - topLogits[1];
    }
  }

  record Case(String prompt, int[] promptIds, List<Step> steps, int[] generatedIds) {}

  record Model(String architecture, String type, JsonNode json, List<Case> cases) {
    @Override
    public String toString() {
      return architecture + " " + type;
    }

    double tolerance() {
      return switch (type) {
        case "F32" -> F32_TOLERANCE;
        case "Q8_0" -> Q8_0_TOLERANCE;
        default -> K_QUANT_TOLERANCE;
      };
    }
  }

  static Stream<Model> models() throws IOException {
    JsonNode root;
    try (InputStream in =
        LlamaCppReferenceTest.class.getResourceAsStream(DIR + "greedy-vectors.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<Model> out = new ArrayList<>();
    for (JsonNode m : root.get("models")) {
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : m.get("cases")) {
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : c.get("steps")) {
          JsonNode top = s.get("top");
          steps.add(
              new Step(
                  s.get("token").asInt(),
                  IntStream.range(0, top.size()).map(i -> top.get(i).get(0).asInt()).toArray(),
                  IntStream.range(0, top.size())
                      .mapToDouble(i -> top.get(i).get(1).asDouble())
                      .toArray()));
        }
        cases.add(
            new Case(
                c.get("prompt").asText(),
                ints(c.get("prompt_ids")),
                steps,
                ints(c.get("generated_ids"))));
      }
      out.add(new Model(m.get("architecture").asText(), m.get("type").asText(), m, cases));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesLlamaCpp(Model m) throws Exception {
    Path file = modelFile(m);
    try (GgufFile gguf = GgufFile.open(file);
        Engine engine = Engine.load(file, new EngineOptions(2, 4, 64, true))) {
      Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
      int exact = 0;
      for (Case c : m.cases()) {
        assertThat(tokenizer.encode(c.prompt(), true, true))
            .as("%s prompt ids of '%s'", m, c.prompt())
            .containsExactly(c.promptIds());
        // Teacher-forced on llama.cpp's own tokens: logits within tolerance at every step, and the
        // same argmax wherever llama.cpp's choice is clear by more than twice the tolerance.
        int[] context = c.promptIds().clone();
        int firstDisagreement = c.steps().size();
        int[] ourArgmax = new int[c.steps().size()];
        for (int s = 0; s < c.steps().size(); s++) {
          Step step = c.steps().get(s);
          float[] logits = engine.logits(context);
          for (int k = 0; k < step.topIds().length; k++) {
            assertThat((double) logits[step.topIds()[k]])
                .as("%s '%s' step %d logit of %d", m, c.prompt(), s, step.topIds()[k])
                .isCloseTo(step.topLogits()[k], Offset.offset(m.tolerance()));
          }
          ourArgmax[s] = argmax(logits);
          if (step.margin() > 2 * m.tolerance()) {
            assertThat(ourArgmax[s])
                .as("%s '%s' step %d greedy token", m, c.prompt(), s)
                .isEqualTo(step.token());
          }
          if (ourArgmax[s] != step.token()) {
            firstDisagreement = Math.min(firstDisagreement, s);
          }
          context = append(context, step.token());
        }
        // Free-running greedy generation: llama.cpp's tokens up to the first step where our argmax
        // differs (only where its margin is within 2 × tolerance, checked above), then ours.
        int[] ours =
            engine
                .generate(
                    new GenerationRequest(
                        c.promptIds(), SamplingParams.greedy(), c.steps().size(), Set.of(), 0),
                    TokenSink.discard())
                .tokens();
        int n = firstDisagreement;
        assertThat(Arrays.copyOf(ours, n))
            .as("%s '%s' greedy tokens", m, c.prompt())
            .containsExactly(Arrays.copyOf(c.generatedIds(), n));
        if (n < ours.length) {
          assertThat(ours[n])
              .as("%s '%s' greedy token %d", m, c.prompt(), n)
              .isEqualTo(ourArgmax[n]);
        } else {
          exact++;
        }
      }
      // Measured: all 24 tokens equal in 32 of 36 cases (every F32 case; 1 to 4 of 3 to 4 per
      // quantized model).
      assertThat(exact)
          .as("%s cases with all greedy tokens equal to llama.cpp's", m)
          .isGreaterThanOrEqualTo(m.type().equals("F32") ? m.cases().size() : m.cases().size() - 2);
    }
  }

  @Test
  void everyQuantizedTypeIsCoveredWithMostGreedyTokensChecked() throws IOException {
    List<Model> all = models().toList();
    assertThat(all)
        .extracting(Model::toString)
        .contains(
            "llama Q4_K_M",
            "llama Q6_K",
            "qwen3 Q4_K_M",
            "qwen3 Q6_K",
            "llama Q8_0",
            "qwen3 Q8_0",
            "qwen2 Q8_0",
            "llama F32",
            "qwen3 F32",
            "qwen2 F32");
    for (Model m : all) {
      long steps = m.cases().stream().mapToLong(c -> c.steps().size()).sum();
      long clear =
          m.cases().stream()
              .flatMap(c -> c.steps().stream())
              .filter(s -> s.margin() > 2 * m.tolerance())
              .count();
      assertThat(clear)
          .as("%s: steps whose greedy token is asserted", m)
          .isGreaterThanOrEqualTo(steps / 3);
    }
  }

  /**
   * The committed K-quant file, or the generated F32/Q8_0 file with the weights llama.cpp ran on.
   */
  private static Path modelFile(Model m) throws IOException, URISyntaxException {
    JsonNode json = m.json();
    if (json.has("resource")) {
      Path file =
          Path.of(
              LlamaCppReferenceTest.class.getResource(DIR + json.get("resource").asText()).toURI());
      assertThat(sha256(Files.readAllBytes(file)))
          .as("%s is the file llama.cpp ran", file.getFileName())
          .isEqualTo(json.get("llama_cpp_file_sha256").asText());
      return file;
    }
    TensorType type = TensorType.valueOf(m.type());
    Path file = dir.resolve(m.architecture() + "-" + m.type() + ".gguf");
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.kQuantReference(
            Architecture.fromGguf(m.architecture()), type, json.get("generator_seed").asLong()),
        file);
    if (type == TensorType.F32) {
      assertThat(sha256(Files.readAllBytes(file)))
          .as("generated F32 is the file llama.cpp ran")
          .isEqualTo(json.get("llama_cpp_file_sha256").asText());
    } else {
      // llama-quantize's Q8_0 file differs in metadata only: its weights are ours byte for byte.
      assertThat(tensorDataSha256(file))
          .as("generated Q8_0 weights equal llama-quantize's")
          .isEqualTo(json.get("llama_cpp_tensor_data_sha256").asText());
    }
    return file;
  }

  /** sha256 over the tensors in name order: name, NUL, GGML type name, NUL, data bytes. */
  static String tensorDataSha256(Path file) {
    try (GgufFile g = GgufFile.open(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      List<GgufTensorInfo> tensors = new ArrayList<>(g.tensors());
      tensors.sort(Comparator.comparing(GgufTensorInfo::name));
      for (GgufTensorInfo t : tensors) {
        md.update((t.name() + "\0" + t.type().name() + "\0").getBytes(StandardCharsets.UTF_8));
        md.update(g.tensorData(t).asByteBuffer());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] data) {
    return MappedFile.sha256(java.lang.foreign.MemorySegment.ofArray(data));
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int[] append(int[] a, int x) {
    int[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = x;
    return out;
  }

  private static int[] ints(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
  }
}
