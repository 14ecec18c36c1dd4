package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.kernel.LayerOps;
import org.junit.jupiter.api.Test;

/** The vectors printed in docs/spec/determinism.md. */
class DeterminismSpecVectorsTest {
  @Test
  void rngVectors() {
    assertThat(Sampler.uniform(0, 0)).isEqualTo(0.7805684314695529);
    assertThat(Sampler.uniform(42, 7)).isEqualTo(0.4726823054193231);
    assertThat(Sampler.uniform(Long.MAX_VALUE, 1000)).isEqualTo(0.25376028273402595);
  }

  @Test
  void stories260kLogitsHashes() {
    for (var file : java.util.List.of(BundledModels.storiesBin(), BundledModels.storiesGguf())) {
      try (Engine e = Engine.load(file, new EngineOptions(2, 4, 3, true))) {
        assertThat(LogitsHash.of(e.logits(new int[] {1})))
            .isEqualTo("e3db73dc5e37794addf9b748b5fc0f69902bc26130e4d167308ee6132ccaa1f7");
        assertThat(LogitsHash.of(e.logits(new int[] {1, 274, 287, 269, 301, 425, 411})))
            .isEqualTo("7999d59669278c3aba6868e48a82999b69737464339ed99dcb60cba10b91e533");
      }
    }
  }

  @Test
  void greedyBreaksTiesByLowestId() {
    assertThat(Sampler.argmax(new double[] {1, 3, 3, 2})).isEqualTo(1);
    float[] logits = {0f, 5f, 5f, 1f};
    SamplingParams topK1 = new SamplingParams(1.0, 1, 1, 0, 1, 0, 0, 9);
    for (long pos = 0; pos < 20; pos++) {
      assertThat(
              Sampler.sample(
                  LayerOps.canonical(), logits, 0, 4, topK1, pos, new int[0], 0, new int[4]))
          .isEqualTo(1);
    }
  }

  @Test
  void samplingFollowsTheDistribution() {
    float[] logits = {0f, (float) Math.log(3)}; // p = 0.25, 0.75
    SamplingParams p = new SamplingParams(1.0, 0, 1, 0, 1, 0, 0, 123);
    int ones = 0;
    for (long pos = 0; pos < 4000; pos++) {
      ones += Sampler.sample(LayerOps.canonical(), logits, 0, 2, p, pos, new int[0], 0, new int[2]);
    }
    assertThat(ones).isBetween(2850, 3150);
    // top_p 0.5 keeps only the 0.75 token; min_p 0.5 drops the 0.25 token (0.25 < 0.5 * 0.75)
    SamplingParams topP = new SamplingParams(1.0, 0, 0.5, 0, 1, 0, 0, 1);
    SamplingParams minP = new SamplingParams(1.0, 0, 1, 0.5, 1, 0, 0, 1);
    for (long pos = 0; pos < 200; pos++) {
      assertThat(
              Sampler.sample(
                  LayerOps.canonical(), logits, 0, 2, topP, pos, new int[0], 0, new int[2]))
          .isEqualTo(1);
      assertThat(
              Sampler.sample(
                  LayerOps.canonical(), logits, 0, 2, minP, pos, new int[0], 0, new int[2]))
          .isEqualTo(1);
    }
  }

  @Test
  void penaltiesMoveLogitsAsSpecified() {
    double[] l = {2, -2, 1};
    Sampler.applyPenalties(
        l,
        new SamplingParams(1, 0, 1, 0, 2.0, 0.5, 0.25, 0),
        new int[] {0, 1, 0},
        3,
        new int[] {2, 0, 0});
    assertThat(l).containsExactly(2.0 / 2 - (2 * 0.5 + 0.25), -4.0, 1.0);
  }
}
