package dev.trustdial.ai.model;

import java.util.List;

/** All weights of a model, shape-checked against its config. */
public record ModelWeights(
    WeightMatrix tokenEmbedding, List<LayerWeights> layers, float[] outputNorm, WeightMatrix output) {
  public ModelWeights {
    layers = List.copyOf(layers);
  }
}
