package dev.trustdial.ai.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.gguf.GgmlType;
import dev.trustdial.ai.gguf.GgufWriter;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Generated llama/qwen2/qwen3 GGUFs load, run deterministically, and quantized files track F32. */
class GeneratedModelTest {
  @TempDir Path dir;

  private Path generate(Architecture arch, TensorType type, long seed) {
    Path file = dir.resolve(arch.ggufName() + "-" + type + "-" + seed + ".gguf");
    BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.tiny(arch, type, seed), file);
    return file;
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void generatedModelsRunAndQuantizedLogitsTrackF32(Architecture arch) throws Exception {
    Path f32 = generate(arch, TensorType.F32, 5);
    assertThat(Files.readAllBytes(generate(arch, TensorType.F32, 5)))
        .as("same seed, same bytes")
        .isEqualTo(Files.readAllBytes(f32));
    int[] prompt = {5, 17, 42, 99, 123, 7, 300, 11, 64};
    float[] reference;
    try (Engine e = Engine.load(f32, new EngineOptions(1, 4, 64, false))) {
      assertThat(e.info().architecture()).isEqualTo(arch.ggufName());
      assertThat(e.info().vocabSize()).isEqualTo(320);
      reference = e.logits(prompt);
      assertThat(reference).hasSize(320);
      for (float f : reference) {
        assertThat(Float.isFinite(f)).isTrue();
      }
      var result =
          e.generate(
              new GenerationRequest(prompt, SamplingParams.greedy(), 12, Set.of(), 0),
              TokenSink.discard());
      assertThat(result.tokens()).hasSize(12);
    }
    for (TensorType type : new TensorType[] {TensorType.F16, TensorType.Q8_0, TensorType.Q4_0}) {
      Path q = generate(arch, type, 5);
      try (Engine one = Engine.load(q, new EngineOptions(1, 4, 1, false));
          Engine two = Engine.load(q, new EngineOptions(2, 4, 7, true))) {
        float[] a = one.logits(prompt);
        assertThat(two.logits(prompt)).as("%s threads/chunks/kernels", type).containsExactly(a);
        double cos = cosine(a, reference);
        assertThat(cos)
            .as("%s vs F32 cosine", type)
            .isGreaterThan(type == TensorType.Q4_0 ? 0.9 : 0.99);
      }
    }
  }

  @Test
  void unknownArchitectureIsNamed() {
    Path file = dir.resolve("mamba.gguf");
    new GgufWriter().putString("general.architecture", "mamba").write(file);
    assertThatThrownBy(() -> Engine.load(file, EngineOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'mamba'");
  }

  @Test
  void unsupportedTensorTypeIsNamed() {
    Path file = dir.resolve("q51.gguf");
    GgufWriter w = new GgufWriter().putString("general.architecture", "llama");
    for (String k : new String[] {"embedding_length", "feed_forward_length"}) {
      w.putUint32("llama." + k, 64);
    }
    w.putUint32("llama.attention.head_count", 4)
        .putUint32("llama.block_count", 1)
        .putUint32("llama.context_length", 64);
    w.addTensor(
        new GgufWriter.Tensor(
            "token_embd.weight",
            new long[] {64, 300},
            GgmlType.Q5_1,
            new byte[(int) GgmlType.Q5_1.rowBytes(64) * 300]));
    w.write(file);
    assertThatThrownBy(() -> Engine.load(file, EngineOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Q5_1")
        .hasMessageContaining("token_embd.weight");
  }

  @Test
  void truncatedLlama2cCheckpointIsRejected() throws Exception {
    Path file = dir.resolve("cut.bin");
    byte[] full =
        Files.readAllBytes(Path.of(getClass().getResource("/models/stories260K.bin").toURI()));
    Files.write(file, java.util.Arrays.copyOf(full, full.length - 100));
    assertThatThrownBy(() -> Engine.load(file, EngineOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("llama2.c checkpoint");
  }

  private static double cosine(float[] a, float[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }
}
