package dev.trustdial.ai.engine;

import dev.trustdial.core.InvalidInputException;
import java.util.List;

/**
 * Sampling controls (determinism.md §Sampling), the one validated record the request parser, the
 * engine and the receipt share. temperature 0 = greedy; topK 0 = off; topP 1 = off; minP 0 = off;
 * repetitionPenalty 1 = off; frequency/presence penalties 0 = off (OpenAI semantics, counted over
 * generated tokens). The seed keys the counter-based RNG. {@link #RANGES} is the range table that
 * this record and the parser's error messages both use.
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

  /** The accepted values of one parameter, named by its request key; prints as an interval. */
  public record Range(String key, double min, double max, boolean minOpen, boolean maxOpen) {
    public boolean contains(double v) {
      return Double.isFinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
    }

    @Override
    public String toString() {
      return (minOpen ? "(" : "[") + number(min) + ", " + number(max) + (maxOpen ? ")" : "]");
    }

    private static String number(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
  }

  public static final Range TEMPERATURE = new Range("temperature", 0, 2, false, false);
  public static final Range TOP_K = new Range("top_k", 0, 1 << 20, false, false);
  public static final Range TOP_P = new Range("top_p", 0, 1, true, false);
  public static final Range MIN_P = new Range("min_p", 0, 1, false, true);
  public static final Range REPETITION_PENALTY =
      new Range("repetition_penalty", 0, 10, true, false);
  public static final Range FREQUENCY_PENALTY = new Range("frequency_penalty", -2, 2, false, false);
  public static final Range PRESENCE_PENALTY = new Range("presence_penalty", -2, 2, false, false);

  /** Seeds are JSON numbers, so they stay exact only below 2^53 (I-JSON). */
  public static final long MAX_SEED = (1L << 53) - 1;

  public static final Range SEED = new Range("seed", 0, MAX_SEED, false, false);

  /** Every range, in record order. */
  public static final List<Range> RANGES =
      List.of(
          TEMPERATURE,
          TOP_K,
          TOP_P,
          MIN_P,
          REPETITION_PENALTY,
          FREQUENCY_PENALTY,
          PRESENCE_PENALTY,
          SEED);

  public SamplingParams {
    check(TEMPERATURE, temperature);
    check(TOP_K, topK);
    check(TOP_P, topP);
    check(MIN_P, minP);
    check(REPETITION_PENALTY, repetitionPenalty);
    check(FREQUENCY_PENALTY, frequencyPenalty);
    check(PRESENCE_PENALTY, presencePenalty);
    if (seed < 0 || seed > MAX_SEED) {
      throw new InvalidInputException("seed must be in [0, 2^53-1], got " + seed);
    }
  }

  public static SamplingParams greedy() {
    return new SamplingParams(0, 0, 1, 0, 1, 0, 0, 0);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }

  public SamplingParams withSeed(long s) {
    return new SamplingParams(
        temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, s);
  }

  private static void check(Range r, double v) {
    if (!r.contains(v)) {
      throw new InvalidInputException(r.key() + " must be in " + r + ", got " + v);
    }
  }
}
