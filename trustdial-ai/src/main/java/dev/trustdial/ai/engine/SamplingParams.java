package dev.trustdial.ai.engine;

import dev.trustdial.core.InvalidInputException;

/**
 * Sampling controls (determinism.md §Sampling). temperature 0 = greedy; topK 0 = off; topP 1 = off;
 * minP 0 = off; repetitionPenalty 1 = off; frequency/presence penalties 0 = off (OpenAI semantics,
 * counted over generated tokens). The seed keys the counter-based RNG.
 */
public record SamplingParams(
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double frequencyPenalty,
    double presencePenalty,
    long seed) {
  public SamplingParams {
    require(Double.isFinite(temperature) && temperature >= 0 && temperature <= 100,
        "temperature must be in [0, 100], got " + temperature);
    require(topK >= 0, "top_k must be >= 0, got " + topK);
    require(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP);
    require(minP >= 0 && minP < 1, "min_p must be in [0, 1), got " + minP);
    require(Double.isFinite(repetitionPenalty) && repetitionPenalty > 0 && repetitionPenalty <= 10,
        "repetition_penalty must be in (0, 10], got " + repetitionPenalty);
    require(Double.isFinite(frequencyPenalty) && Math.abs(frequencyPenalty) <= 2,
        "frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
    require(Double.isFinite(presencePenalty) && Math.abs(presencePenalty) <= 2,
        "presence_penalty must be in [-2, 2], got " + presencePenalty);
  }

  public static SamplingParams greedy() {
    return new SamplingParams(0, 0, 1, 0, 1, 0, 0, 0);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }
}
