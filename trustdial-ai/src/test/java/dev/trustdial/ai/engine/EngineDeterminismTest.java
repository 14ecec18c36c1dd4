package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** In-process part of the determinism matrix: options that must not change a single bit. */
class EngineDeterminismTest {
  static final int[] PROMPT = {
    1, 274, 287, 269, 301, 425, 411, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298
  };

  private static float[] logitsWith(EngineOptions options) {
    try (Engine e = Engine.load(BundledModels.storiesBin(), options)) {
      return e.logits(PROMPT);
    }
  }

  @Test
  void ggufAndBinGiveBitwiseIdenticalLogits() {
    EngineOptions o = EngineOptions.defaults().withThreads(1);
    try (Engine bin = Engine.load(BundledModels.storiesBin(), o);
        Engine gguf = Engine.load(BundledModels.storiesGguf(), o)) {
      for (int len = 1; len <= PROMPT.length; len += 4) {
        int[] p = java.util.Arrays.copyOf(PROMPT, len);
        assertThat(LogitsHash.of(gguf.logits(p))).isEqualTo(LogitsHash.of(bin.logits(p)));
      }
      assertThat(gguf.info().fileSha256())
          .isEqualTo("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
      assertThat(bin.info().ggufMetadata()).isEmpty();
      assertThat(gguf.info().ggufMetadata()).containsEntry("general.architecture", "llama");
    }
  }

  @Test
  void threadCountAndPrefillChunkDoNotChangeLogits() {
    String reference = LogitsHash.of(logitsWith(new EngineOptions(1, 1, 1, false)));
    for (int threads : new int[] {1, 2, 3}) {
      for (int chunk : new int[] {1, 7, 64}) {
        assertThat(LogitsHash.of(logitsWith(new EngineOptions(threads, 4, chunk, false))))
            .as("threads %d, prefill chunk %d", threads, chunk)
            .isEqualTo(reference);
      }
    }
  }

  @Test
  void nativeKernelsWhenPresentGiveJavaBits() {
    assertThat(LogitsHash.of(logitsWith(new EngineOptions(2, 4, 7, true))))
        .isEqualTo(LogitsHash.of(logitsWith(new EngineOptions(2, 4, 7, false))));
  }

  @Test
  void concurrentRequestsEqualRunningAlone() throws Exception {
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int[] prompt = java.util.Arrays.copyOf(PROMPT, 1 + i * 2);
      SamplingParams sampling =
          i % 2 == 0
              ? SamplingParams.greedy()
              : new SamplingParams(0.9, 40, 0.95, 0.02, 1.1, 0.2, 0.1, 1000 + i);
      requests.add(new GenerationRequest(prompt, sampling, 24 + i, Set.of(), 3));
    }
    try (Engine engine =
        Engine.load(BundledModels.storiesGguf(), new EngineOptions(2, 8, 5, false))) {
      List<GenerationResult> alone = new ArrayList<>();
      for (GenerationRequest r : requests) {
        alone.add(engine.generate(r, TokenSink.discard()));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<GenerationResult>> together = new ArrayList<>();
        for (GenerationRequest r : requests) {
          together.add(pool.submit(() -> engine.generate(r, TokenSink.discard())));
        }
        for (int i = 0; i < requests.size(); i++) {
          GenerationResult t = together.get(i).get();
          assertThat(t.tokens()).as("request %d", i).containsExactly(alone.get(i).tokens());
          assertThat(t.logprobs()).as("request %d", i).isEqualTo(alone.get(i).logprobs());
          assertThat(t.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void promptCacheHitEqualsRecompute() {
    EngineOptions o = new EngineOptions(2, 4, 5, true);
    try (Engine warm = Engine.load(BundledModels.storiesGguf(), o);
        Engine cold = Engine.load(BundledModels.storiesGguf(), o)) {
      SamplingParams sampled = new SamplingParams(0.9, 0, 0.95, 0, 1, 0, 0, 5);
      GenerationResult first =
          warm.generate(
              new GenerationRequest(PROMPT, sampled, 20, Set.of(), 0), TokenSink.discard());
      int[] follow =
          java.util.stream.IntStream.concat(
                  java.util.Arrays.stream(PROMPT),
                  java.util.Arrays.stream(java.util.Arrays.copyOf(first.tokens(), 12)))
              .toArray();
      follow = java.util.Arrays.copyOf(follow, follow.length + 1);
      follow[follow.length - 1] = 300; // diverges from the cached continuation here
      GenerationRequest next = new GenerationRequest(follow, sampled, 16, Set.of(), 2);
      long hitsBefore = warm.prefixCacheHits();
      GenerationResult reused = warm.generate(next, TokenSink.discard());
      assertThat(warm.prefixCacheHits()).isEqualTo(hitsBefore + 1);
      GenerationResult recomputed = cold.generate(next, TokenSink.discard());
      assertThat(cold.prefixCacheHits()).isZero();
      assertThat(reused.tokens()).containsExactly(recomputed.tokens());
      assertThat(reused.logprobs()).isEqualTo(recomputed.logprobs());
      try (Engine fresh = Engine.load(BundledModels.storiesGguf(), o)) {
        assertThat(LogitsHash.of(warm.logits(follow)))
            .isEqualTo(LogitsHash.of(fresh.logits(follow)));
      }
    }
  }

  @Test
  void seededSamplingIsReproducibleAndSeedMatters() {
    try (Engine engine =
        Engine.load(BundledModels.storiesGguf(), EngineOptions.defaults().withThreads(1))) {
      GenerationRequest a =
          new GenerationRequest(
              new int[] {1}, new SamplingParams(1.0, 0, 1, 0, 1, 0, 0, 42), 40, Set.of(), 0);
      GenerationRequest b =
          new GenerationRequest(
              new int[] {1}, new SamplingParams(1.0, 0, 1, 0, 1, 0, 0, 43), 40, Set.of(), 0);
      int[] first = engine.generate(a, TokenSink.discard()).tokens();
      assertThat(engine.generate(a, TokenSink.discard()).tokens()).containsExactly(first);
      assertThat(engine.generate(b, TokenSink.discard()).tokens()).isNotEqualTo(first);
    }
  }

  @Test
  void skippingLogprobsChangesNoToken() {
    try (Engine engine =
        Engine.load(BundledModels.storiesGguf(), EngineOptions.defaults().withThreads(1))) {
      SamplingParams sampled = new SamplingParams(0.8, 0, 1, 0, 1, 0, 0, 7);
      GenerationResult with =
          engine.generate(
              new GenerationRequest(new int[] {1}, sampled, 30, Set.of(), 2), TokenSink.discard());
      List<TokenLogprob> seen = new ArrayList<>();
      GenerationResult without =
          engine.generate(
              new GenerationRequest(new int[] {1}, sampled, 30, Set.of(), 2, false),
              (token, lp) -> seen.add(lp));
      assertThat(without.tokens()).containsExactly(with.tokens());
      assertThat(with.logprobs()).hasSize(with.tokens().length);
      assertThat(with.logprobs().getFirst().top()).hasSize(2);
      assertThat(without.logprobs()).isEmpty();
      assertThat(seen).hasSize(without.tokens().length).containsOnlyNulls();
    }
  }

  @Test
  void sinkCanCancelAndStopTokensEndGeneration() {
    try (Engine engine =
        Engine.load(BundledModels.storiesGguf(), EngineOptions.defaults().withThreads(1))) {
      GenerationRequest r =
          new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 30, Set.of(), 2);
      List<Integer> streamed = new ArrayList<>();
      GenerationResult cancelled =
          engine.generate(
              r,
              (token, lp) -> {
                streamed.add(token);
                assertThat(lp.top()).hasSize(2);
                assertThat(lp.logprob()).isLessThanOrEqualTo(0.0);
                return streamed.size() < 5;
              });
      assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
      assertThat(cancelled.tokens()).containsExactly(403, 407, 261, 378, 432);
      assertThat(streamed).containsExactly(403, 407, 261, 378, 432);
      // greedy picks the top alternative, so the chosen token leads its own top list
      assertThat(cancelled.logprobs().getFirst().top().getFirst().token()).isEqualTo(403);

      GenerationResult stopped =
          engine.generate(
              new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 30, Set.of(261), 0),
              TokenSink.discard());
      assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(stopped.tokens()).containsExactly(403, 407);
    }
  }

  @Test
  void badRequestsAreInvalidInput() {
    try (Engine engine =
        Engine.load(BundledModels.storiesGguf(), EngineOptions.defaults().withThreads(1))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.logits(new int[] {1, 512}))
          .isInstanceOf(dev.trustdial.core.InvalidInputException.class)
          .hasMessageContaining("512");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.logits(new int[0]))
          .isInstanceOf(dev.trustdial.core.InvalidInputException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
              engine.generate(
                  new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 0, Set.of(), 0),
                  TokenSink.discard()))
          .isInstanceOf(dev.trustdial.core.InvalidInputException.class)
          .hasMessageContaining("max_tokens");
    }
  }
}
