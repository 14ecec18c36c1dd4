package dev.trustdial.ai.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.ai.engine.DeterminismProfile;
import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.gguf.GgmlType;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.gguf.GgufTensorInfo;
import dev.trustdial.ai.gguf.GgufValue;
import dev.trustdial.ai.gguf.GgufValueType;
import dev.trustdial.ai.gguf.GgufWriter;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Family;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Spec;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each model family (issue #20): its generated GGUF loads with the family's parameters, and its
 * logits are the same bits on 1 and N threads, any prefill chunk, Java or native kernels, and alone
 * or batched with other requests. The llama.cpp comparison is FamilyReferenceTest.
 */
class FamilyModelsTest {
  @TempDir Path dir;

  /** Longer than the generated sliding window (8), so the window matters. */
  static final int[] PROMPT = {
    5, 17, 42, 99, 123, 7, 300, 11, 64, 250, 13, 77, 280, 31, 9, 150, 201, 66, 44, 310
  };

  private Path generate(Family family, TensorType type, long seed) {
    Path file = dir.resolve(family.label() + "-" + type + "-" + seed + ".gguf");
    BenchmarkModelGenerator.write(Spec.tiny(family, type, seed), file);
    return file;
  }

  /**
   * A family whose computation version 1 of the spec did not define reports td-det-v2, so an engine
   * of version 1 (which would load a Llama 3.1 or Mistral file and ignore its RoPE factors or
   * window) disagrees on the profile, not silently on the bits; the version-1 families keep v1.
   */
  @ParameterizedTest
  @EnumSource(Family.class)
  void reportsTheOldestProfileThatDefinesItsComputation(Family family) throws Exception {
    Path file = generate(family, TensorType.F32, 5);
    boolean version1 = Set.of(Family.LLAMA2, Family.QWEN2, Family.QWEN3).contains(family);
    try (Engine e = Engine.load(file, new EngineOptions(1, 1, 1, false))) {
      assertThat(e.info().determinismProfile())
          .isEqualTo(version1 ? DeterminismProfile.V1 : DeterminismProfile.V2)
          .startsWith(version1 ? "td-det-v1/" : "td-det-v2/");
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void sameBitsOnAnyThreadsChunksKernelsAndBatch(Family family) throws Exception {
    for (TensorType type : new TensorType[] {TensorType.F32, TensorType.Q8_0}) {
      Path file = generate(family, type, 3);
      float[] reference;
      try (Engine e = Engine.load(file, new EngineOptions(1, 1, 1, false))) {
        assertThat(e.info().architecture()).isEqualTo(family.architecture().ggufName());
        reference = e.logits(PROMPT);
        for (float f : reference) {
          assertThat(Float.isFinite(f)).isTrue();
        }
      }
      for (EngineOptions o :
          List.of(
              new EngineOptions(2, 4, 7, true),
              new EngineOptions(3, 8, 64, false),
              new EngineOptions(2, 8, 3, true))) {
        try (Engine e = Engine.load(file, o)) {
          assertThat(e.logits(PROMPT)).as("%s %s %s", family, type, o).containsExactly(reference);
        }
      }
      // Batched with other sequences (different lengths, sampled and greedy) = alone.
      try (Engine e = Engine.load(file, new EngineOptions(2, 8, 5, true))) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          SamplingParams s =
              i % 2 == 0
                  ? SamplingParams.greedy()
                  : new SamplingParams(0.9, 40, 0.95, 0, 1, 0, 0, 7 + i);
          requests.add(new GenerationRequest(Arrays.copyOf(PROMPT, 3 + 5 * i), s, 16, Set.of(), 0));
        }
        List<int[]> alone = new ArrayList<>();
        for (GenerationRequest r : requests) {
          alone.add(e.generate(r, TokenSink.discard()).tokens());
        }
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
          List<Future<GenerationResult>> together = new ArrayList<>();
          for (GenerationRequest r : requests) {
            together.add(pool.submit(() -> e.generate(r, TokenSink.discard())));
          }
          for (int i = 0; i < requests.size(); i++) {
            assertThat(together.get(i).get().tokens())
                .as("%s %s request %d", family, type, i)
                .containsExactly(alone.get(i));
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void familiesCarryTheirParameters() {
    try (LoadedModel m = GgufModelLoader.load(generate(Family.LLAMA3, TensorType.F32, 1))) {
      assertThat(m.weights().ropeFreqFactors()).isPresent();
      float[] f = m.weights().ropeFreqFactors().get();
      assertThat(f[0]).isEqualTo(1f); // short wavelengths keep their frequency
      assertThat(f[f.length - 1]).isEqualTo(8f); // long ones are divided by the factor
      assertThat(m.config().ropeTheta()).isEqualTo(500000f);
    }
    try (LoadedModel m = GgufModelLoader.load(generate(Family.MISTRAL, TensorType.F32, 1))) {
      assertThat(m.config().family().slidingWindow())
          .isEqualTo(BenchmarkModelGenerator.GENERATED_WINDOW);
      assertThat(m.config().family().sliding(0)).isTrue();
    }
    try (LoadedModel m = GgufModelLoader.load(generate(Family.PHI3, TensorType.Q8_0, 1))) {
      assertThat(m.config().family().ropeDim()).isEqualTo(12);
      LayerWeights l = m.weights().layers().getFirst();
      assertThat(l.wq().rows()).isEqualTo(64);
      assertThat(l.wk().rows()).isEqualTo(32);
      assertThat(l.ffnGate().rows()).isEqualTo(160);
      assertThat(l.ffnUp().rows()).isEqualTo(160);
      // views of one fused tensor: k starts where q ends
      assertThat(l.wk().data().address())
          .isEqualTo(l.wq().data().address() + l.wq().data().byteSize());
    }
    try (LoadedModel m = GgufModelLoader.load(generate(Family.GEMMA2, TensorType.F32, 1))) {
      ModelConfig.FamilyParams p = m.config().family();
      assertThat(p.attnSoftcap()).isEqualTo(5f);
      assertThat(p.finalSoftcap()).isEqualTo(3f);
      assertThat(p.scaleEmbedding()).isTrue();
      assertThat(p.sliding(0)).isTrue();
      assertThat(p.sliding(1)).isFalse();
      assertThat(m.weights().layers().getFirst().postFfnNorm()).isPresent();
    }
    try (LoadedModel m = GgufModelLoader.load(generate(Family.GEMMA3, TensorType.F32, 1))) {
      ModelConfig.FamilyParams p = m.config().family();
      assertThat(p.attnSoftcap()).isZero();
      assertThat(p.ropeFreqScale()).isEqualTo(1f / 8);
      assertThat(p.slidingRopeTheta()).isEqualTo(10000f);
      assertThat(List.of(0, 1, 2, 3, 4, 5).stream().map(p::sliding).toList())
          .containsExactly(true, true, true, true, true, false);
      assertThat(m.weights().layers().getFirst().qNorm()).isPresent();
    }
  }

  @Test
  void slidingWindowChangesOnlyWhatIsOutsideIt() {
    // Mistral and Llama 2 with one seed are the same weights; only Mistral has the window of 8.
    Path llama = generate(Family.LLAMA2, TensorType.F32, 9);
    Path mistral = generate(Family.MISTRAL, TensorType.F32, 9);
    try (Engine a = Engine.load(llama, EngineOptions.defaults().withThreads(1));
        Engine b = Engine.load(mistral, EngineOptions.defaults().withThreads(1))) {
      int[] inside = Arrays.copyOf(PROMPT, BenchmarkModelGenerator.GENERATED_WINDOW);
      assertThat(b.logits(inside)).containsExactly(a.logits(inside));
      assertThat(b.logits(PROMPT)).isNotEqualTo(a.logits(PROMPT));
    }
  }

  // ---- hostile files: each is a generated model with one thing changed, and must be refused by
  // name

  @Test
  void gemma3WithoutSlidingWindowIsRefused() {
    Path f =
        rewrite(Family.GEMMA3, (meta, tensors) -> meta.remove("gemma3.attention.sliding_window"));
    assertRefused(f, "gemma3.attention.sliding_window");
  }

  @Test
  void ropeDimensionLargerThanTheHeadIsRefused() {
    Path f =
        rewrite(
            Family.PHI3,
            (meta, tensors) ->
                meta.put("phi3.rope.dimension_count", new GgufValue.Int(GgufValueType.UINT32, 18)));
    assertRefused(f, "rope dimension count 18");
  }

  @Test
  void negativeSoftcapIsRefused() {
    Path f =
        rewrite(
            Family.GEMMA2,
            (meta, tensors) ->
                meta.put(
                    "gemma2.attn_logit_softcapping",
                    new GgufValue.Real(GgufValueType.FLOAT32, -1)));
    assertRefused(f, "attention soft-cap");
  }

  @Test
  void hugeSlidingWindowIsRefused() {
    Path f =
        rewrite(
            Family.MISTRAL,
            (meta, tensors) ->
                meta.put(
                    "llama.attention.sliding_window",
                    new GgufValue.Int(GgufValueType.UINT32, 1L << 30)));
    assertRefused(f, "sliding window");
  }

  @Test
  void unsupportedRopeScalingIsRefused() {
    Path f =
        rewrite(
            Family.GEMMA3,
            (meta, tensors) -> meta.put("gemma3.rope.scaling.type", new GgufValue.Str("yarn")));
    assertRefused(f, "'yarn'");
  }

  @Test
  void wrongFusedQkvShapeIsRefused() {
    Path f =
        rewrite(
            Family.PHI3,
            (meta, tensors) -> {
              GgufWriter.Tensor t = tensors.get("blk.0.attn_qkv.weight");
              tensors.put(
                  t.name(),
                  new GgufWriter.Tensor(
                      t.name(),
                      new long[] {64, 64},
                      t.type(),
                      Arrays.copyOf(t.data(), (int) t.type().rowBytes(64) * 64)));
            });
    assertRefused(f, "blk.0.attn_qkv.weight");
  }

  @Test
  void zeroRopeFactorIsRefused() {
    Path f =
        rewrite(
            Family.LLAMA3,
            (meta, tensors) -> {
              GgufWriter.Tensor t = tensors.get("rope_freqs.weight");
              tensors.put(
                  t.name(),
                  new GgufWriter.Tensor(t.name(), t.dims(), t.type(), new byte[t.data().length]));
            });
    assertRefused(f, "rope_freqs.weight[0]");
  }

  @Test
  void missingGemmaPostNormIsRefused() {
    Path f =
        rewrite(Family.GEMMA2, (meta, tensors) -> tensors.remove("blk.1.post_ffw_norm.weight"));
    assertRefused(f, "blk.1.post_ffw_norm.weight");
  }

  @Test
  void longRopePhi3IsRefused() {
    Path f =
        rewrite(
            Family.PHI3,
            (meta, tensors) ->
                tensors.put(
                    "rope_factors_long.weight",
                    new GgufWriter.Tensor(
                        "rope_factors_long.weight", new long[] {6}, GgmlType.F32, new byte[24])));
    assertRefused(f, "LongRoPE");
  }

  @Test
  void unsupportedArchitectureStaysRefused() {
    Path f =
        rewrite(
            Family.GEMMA2,
            (meta, tensors) -> meta.put("general.architecture", new GgufValue.Str("gemma3n")));
    assertRefused(f, "'gemma3n' is not supported");
  }

  private static void assertRefused(Path file, String message) {
    assertThatThrownBy(() -> Engine.load(file, EngineOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  /**
   * A copy of the family's generated model with its metadata and tensors edited by {@code edit}.
   */
  private Path rewrite(
      Family family, BiConsumer<Map<String, GgufValue>, Map<String, GgufWriter.Tensor>> edit) {
    Path source = generate(family, TensorType.F32, 2);
    Map<String, GgufValue> meta = new java.util.LinkedHashMap<>();
    Map<String, GgufWriter.Tensor> tensors = new java.util.LinkedHashMap<>();
    try (GgufFile g = GgufFile.open(source)) {
      meta.putAll(g.metadata());
      for (GgufTensorInfo t : g.tensors()) {
        tensors.put(
            t.name(),
            new GgufWriter.Tensor(
                t.name(),
                t.dims(),
                t.type(),
                g.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
      }
    }
    edit.accept(meta, tensors);
    GgufWriter w = new GgufWriter();
    meta.forEach((k, v) -> {
      if (!k.equals(GgufFile.ALIGNMENT_KEY)) {
        w.put(k, v);
      }
    });
    tensors.values().forEach(w::addTensor);
    Path out = dir.resolve("hostile-" + family.label() + "-" + System.nanoTime() + ".gguf");
    w.write(out);
    assertThat(Files.exists(out)).isTrue();
    return out;
  }
}
