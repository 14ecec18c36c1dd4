package dev.trustdial.ai.engine;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.model.ModelConfig;

/** Keys and values of one sequence, per layer, position-major ({@code [pos][kvDim]}). */
final class KvCache {
  final float[][] keys;
  final float[][] values;
  final int capacity;

  KvCache(ModelConfig config, int capacity) {
    Invariant.check(
        capacity > 0 && capacity <= config.contextLength(),
        "a KV cache holds 1..context positions");
    this.capacity = capacity;
    long floats = (long) capacity * config.kvDim();
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "KV cache of " + capacity + " positions is too large for one array");
    }
    keys = new float[config.layers()][(int) floats];
    values = new float[config.layers()][(int) floats];
  }
}
