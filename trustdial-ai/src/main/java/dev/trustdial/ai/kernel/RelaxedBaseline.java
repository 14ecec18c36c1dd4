package dev.trustdial.ai.kernel;

/**
 * Benchmark-only switch ({@code -Dtrustdial.ai.benchmark.relaxedDeterminism=true}) that turns the
 * determinism rules off: Math instead of StrictMath and llama.cpp-style float lane accumulation in
 * the native quantized kernels. It exists to measure what determinism costs; an engine running
 * with it reports a non-deterministic profile, so no receipt can claim reproducibility.
 */
public final class RelaxedBaseline {
  public static final boolean ON = Boolean.getBoolean("trustdial.ai.benchmark.relaxedDeterminism");

  private RelaxedBaseline() {}

  public static double exp(double x) {
    return ON ? Math.exp(x) : StrictMath.exp(x);
  }

  public static double cos(double x) {
    return ON ? Math.cos(x) : StrictMath.cos(x);
  }

  public static double sin(double x) {
    return ON ? Math.sin(x) : StrictMath.sin(x);
  }
}
