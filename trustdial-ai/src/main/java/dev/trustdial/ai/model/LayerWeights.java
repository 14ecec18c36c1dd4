package dev.trustdial.ai.model;

import java.util.Optional;

/** One transformer block. Optional parts exist only in some architectures (biases: qwen2, QK-norm: qwen3). */
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
    float[] ffnNorm,
    WeightMatrix ffnGate,
    WeightMatrix ffnDown,
    WeightMatrix ffnUp) {}
