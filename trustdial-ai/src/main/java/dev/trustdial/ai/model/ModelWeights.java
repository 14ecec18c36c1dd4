package dev.trustdial.ai.model;

import java.util.List;
import java.util.Optional;

/**
 * All weights of a model, shape-checked against its config. {@code ropeFreqFactors} ({@code
 * rope_freqs.weight}, one divisor per rotated pair) carries Llama 3.1's RoPE scaling.
 */
public record ModelWeights(
    WeightMatrix tokenEmbedding,
    List<LayerWeights> layers,
    float[] outputNorm,
    WeightMatrix output,
    Optional<float[]> ropeFreqFactors) {
  public ModelWeights {
    layers = List.copyOf(layers);
  }

  public ModelWeights(
      WeightMatrix tokenEmbedding,
      List<LayerWeights> layers,
      float[] outputNorm,
      WeightMatrix output) {
    this(tokenEmbedding, layers, outputNorm, output, Optional.empty());
  }
}
