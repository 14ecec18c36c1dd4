package dev.trustdial.ai.receipt;

import dev.trustdial.core.InvalidInputException;

/** The sampling parameters the engine ran with, defaults resolved, including the seed. */
public record SamplingBinding(double temperature, int topK, double topP, double minP, double repetitionPenalty,
    double frequencyPenalty, double presencePenalty, long seed) {

  /** Seeds are JSON numbers, so they stay exact only below 2^53 (I-JSON). */
  public static final long MAX_SEED = (1L << 53) - 1;

  public SamplingBinding {
    if (seed < 0 || seed > MAX_SEED) {
      throw new InvalidInputException("seed must be in [0, 2^53-1], got " + seed);
    }
    for (double d : new double[] {temperature, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty}) {
      if (!Double.isFinite(d)) {
        throw new InvalidInputException("sampling parameters must be finite numbers");
      }
    }
  }
}
