// Wall time per step of the forward pass, for InferenceBench: a StepObserver the engine calls
// when -Dtrustdial.ai.benchmark.stepTimers=true (EngineOptions.withObserver). Timings never
// influence a computed value. Prints microseconds per token and share of the timed total.
import dev.trustdial.ai.engine.StepObserver;
import dev.trustdial.ai.kernel.RowParallel;
import java.util.Locale;

final class StepTimers implements StepObserver {
  private final long[] nanos = new long[Step.values().length];
  private long tokens;
  private Step current;
  private long since;

  @Override
  public void batch(int n) {
    tokens += n;
  }

  @Override
  public void begin(Step step) {
    long now = System.nanoTime();
    if (current != null) {
      nanos[current.ordinal()] += now - since;
    }
    current = step;
    since = now;
  }

  @Override
  public void end() {
    if (current != null) {
      nanos[current.ordinal()] += System.nanoTime() - since;
      current = null;
    }
  }

  /** Clears the counters (and RowParallel's hand-off counters). */
  void reset() {
    java.util.Arrays.fill(nanos, 0);
    tokens = 0;
    RowParallel.resetHandOffTimers();
  }

  /** A table of microseconds per token and share of the timed total, since the last reset. */
  String report() {
    long t = Math.max(1, tokens);
    long total = 0;
    for (long ns : nanos) {
      total += ns;
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %10s %7s%n", "step", "us/token", "share"));
    for (Step s : Step.values()) {
      long ns = nanos[s.ordinal()];
      sb.append(String.format(Locale.ROOT, "%-18s %10.1f %6.1f%%%n", s.name().toLowerCase(Locale.ROOT),
          ns / 1e3 / t, 100.0 * ns / Math.max(1, total)));
    }
    sb.append(String.format(Locale.ROOT, "%-18s %10.1f%n", "total (timed)", total / 1e3 / t));
    sb.append(String.format(Locale.ROOT, "%-18s %10.1f  (%.1f hand-offs/token; inside the steps above)%n",
        "caller waiting", RowParallel.handOffWaitNanos() / 1e3 / t, (double) RowParallel.handOffs() / t));
    sb.append(String.format(Locale.ROOT, "tokens %d%n", t));
    return sb.toString();
  }
}
