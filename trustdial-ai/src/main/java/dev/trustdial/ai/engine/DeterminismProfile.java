package dev.trustdial.ai.engine;

import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.ModelConfig;
import dev.trustdial.ai.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Which version of docs/spec/determinism.md a model's computation needs. A receipt names it, and a
 * verifier compares it before it compares bits, so two engines that would compute a model
 * differently never both claim the same profile.
 *
 * <p>Version 1 defined llama, qwen2 and qwen3 with full rotary RoPE, no window, no caps and no RoPE
 * scaling. An engine of that version loads a llama file that carries Llama 3.1's {@code
 * rope_freqs}, linear RoPE scaling or a sliding window, ignores them and computes other bits.
 * Version 2 adds those and the Phi-3 and Gemma families (§Ops, "Model families"), so a model that
 * uses any of them is computed under {@code td-det-v2}: an older verifier then reports a different
 * profile instead of a different result. A version-1 model keeps {@code td-det-v1}, so its receipts
 * and vectors stay valid.
 */
public final class DeterminismProfile {
  /** The kernel rules shared by both versions (§F, §Q8, §Q, attention, StrictMath). */
  private static final String KERNELS =
      "lanes16-fma-pairwise/q8-block-int-fma/attn-seq-fma/strictmath";

  /** llama, qwen2 and qwen3 with the standard parameters: the computation of version 1. */
  public static final String V1 = "td-det-v1/" + KERNELS;

  /** Version 1 plus the model-family rules of §Ops. */
  public static final String V2 = "td-det-v2/" + KERNELS;

  private DeterminismProfile() {}

  /** The oldest profile whose rules define this model's computation. */
  public static String of(ModelConfig config, ModelWeights weights) {
    return version2Features(config, weights).isEmpty() ? V1 : V2;
  }

  /** The features of this model that version 1 does not define (empty for a version-1 model). */
  public static List<String> version2Features(ModelConfig c, ModelWeights weights) {
    ModelConfig.FamilyParams f = c.family();
    List<String> features = new ArrayList<>();
    if (c.architecture() != Architecture.LLAMA
        && c.architecture() != Architecture.QWEN2
        && c.architecture() != Architecture.QWEN3) {
      features.add("architecture " + c.architecture().ggufName());
    }
    if (weights.ropeFreqFactors().isPresent()) {
      features.add("per-frequency RoPE factors (rope_freqs)");
    }
    if (f.ropeDim() != c.headDim()) {
      features.add("partial rotary");
    }
    if (f.ropeFreqScale() != 1f || f.slidingRopeFreqScale() != 1f) {
      features.add("linear RoPE scaling");
    }
    if (f.slidingWindow() > 0) {
      features.add("sliding-window attention");
    }
    if (f.attnSoftcap() != 0f || f.finalSoftcap() != 0f) {
      features.add("logit soft-capping");
    }
    if (f.attentionDivisor() != (float) Math.sqrt(c.headDim())) {
      features.add("attention divisor other than sqrt(head dim)");
    }
    if (f.scaleEmbedding()) {
      features.add("embedding scale");
    }
    return List.copyOf(features);
  }
}
