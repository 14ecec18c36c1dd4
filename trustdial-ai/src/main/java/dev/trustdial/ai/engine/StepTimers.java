package dev.trustdial.ai.engine;

import dev.trustdial.ai.kernel.RowParallel;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Wall time per step of the forward pass, for the benchmarks (bench/ai). Off unless the JVM runs
 * with {@code -Dtrustdial.ai.benchmark.stepTimers=true}; off, each timer is one constant-folded
 * branch. Timings never influence a computed value.
 */
public final class StepTimers {
  public static final boolean ON = Boolean.getBoolean("trustdial.ai.benchmark.stepTimers");

  /** The timed steps, in forward-pass order. */
  public enum Step {
    EMBED_ROPE_FACTORS,
    RMSNORM,
    QKV_MATMUL,
    QK_ROPE_KV_STORE,
    ATTENTION,
    WO_MATMUL,
    RESIDUAL,
    GATE_UP_MATMUL_SWIGLU,
    DOWN_MATMUL,
    OUTPUT_MATMUL,
    SAMPLING
  }

  private static final AtomicLongArray NANOS = new AtomicLongArray(Step.values().length);
  private static final AtomicLongArray TOKENS = new AtomicLongArray(1);

  private StepTimers() {}

  static long start() {
    return ON ? System.nanoTime() : 0L;
  }

  static void stop(Step step, long started) {
    if (ON) {
      NANOS.addAndGet(step.ordinal(), System.nanoTime() - started);
    }
  }

  static void tokens(int n) {
    if (ON) {
      TOKENS.addAndGet(0, n);
    }
  }

  /** Clears the counters (and {@link RowParallel}'s hand-off counters). */
  public static void reset() {
    for (int i = 0; i < NANOS.length(); i++) {
      NANOS.set(i, 0);
    }
    TOKENS.set(0, 0);
    RowParallel.resetHandOffTimers();
  }

  /** A table of microseconds per token and share of the timed total, since the last reset. */
  public static String report() {
    long tokens = Math.max(1, TOKENS.get(0));
    long total = 0;
    for (int i = 0; i < NANOS.length(); i++) {
      total += NANOS.get(i);
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %10s %7s%n", "step", "us/token", "share"));
    for (Step s : Step.values()) {
      long ns = NANOS.get(s.ordinal());
      sb.append(String.format(Locale.ROOT, "%-18s %10.1f %6.1f%%%n", s.name().toLowerCase(Locale.ROOT),
          ns / 1e3 / tokens, 100.0 * ns / Math.max(1, total)));
    }
    sb.append(String.format(Locale.ROOT, "%-18s %10.1f%n", "total (timed)", total / 1e3 / tokens));
    sb.append(String.format(Locale.ROOT, "%-18s %10.1f  (%.1f hand-offs/token; inside the steps above)%n",
        "caller waiting", RowParallel.handOffWaitNanos() / 1e3 / tokens, (double) RowParallel.handOffs() / tokens));
    sb.append(String.format(Locale.ROOT, "tokens %d%n", tokens));
    return sb.toString();
  }
}
