package dev.trustdial.ai.model;

import java.util.Optional;

/**
 * One transformer block. Optional parts exist only in some architectures (biases: qwen2, QK-norm:
 * qwen3 and gemma3, post-attention and post-feed-forward norms: gemma2/gemma3).
 */
public record LayerWeights(
    float[] attnNorm,
    WeightMatrix wq,
    WeightMatrix wk,
    WeightMatrix wv,
    WeightMatrix wo,
    Optional<float[]> qBias,
    Optional<float[]> kBias,
    Optional<float[]> vBias,
    Optional<float[]> qNorm,
    Optional<float[]> kNorm,
    Optional<float[]> postAttnNorm,
    float[] ffnNorm,
    WeightMatrix ffnGate,
    WeightMatrix ffnDown,
    WeightMatrix ffnUp,
    Optional<float[]> postFfnNorm) {

  /** A block without the Gemma post-norms. */
  public LayerWeights(
      float[] attnNorm,
      WeightMatrix wq,
      WeightMatrix wk,
      WeightMatrix wv,
      WeightMatrix wo,
      Optional<float[]> qBias,
      Optional<float[]> kBias,
      Optional<float[]> vBias,
      Optional<float[]> qNorm,
      Optional<float[]> kNorm,
      float[] ffnNorm,
      WeightMatrix ffnGate,
      WeightMatrix ffnDown,
      WeightMatrix ffnUp) {
    this(
        attnNorm,
        wq,
        wk,
        wv,
        wo,
        qBias,
        kBias,
        vBias,
        qNorm,
        kNorm,
        Optional.empty(),
        ffnNorm,
        ffnGate,
        ffnDown,
        ffnUp,
        Optional.empty());
  }
}
