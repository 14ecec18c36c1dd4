package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.util.Map;
import java.util.TreeMap;

/**
 * The true machine's snapshots (vm.md §8, history trimmed to step 0) at stride boundaries, kept
 * while a {@link StrideTrace} is built, so that a state at time t is reached from the nearest
 * snapshot at or before t instead of from step 0: at most {@code spacing * S} steps, where S is the
 * stride.
 *
 * <p>Memory is bounded by {@code byteCap} and the build's cost by {@code maxKept}: boundaries b * S
 * are kept for every b that is a multiple of {@code spacing}, which starts at 1 and doubles
 * (dropping every other snapshot) whenever the kept bytes would exceed the cap or more than {@code
 * maxKept} boundaries would be kept (a snapshot costs milliseconds, a stride of a fast guest about
 * as much, so a snapshot at every one of thousands of boundaries would slow the build down several
 * times). The terminal state's snapshot (exit or fault) is kept as well, so every time at or after
 * the halt is one restore. Built on one thread, then only read (safe to share once published, e.g.
 * through a Future).
 */
public final class BoundarySnapshots {
  /** The default cap on kept snapshot bytes: 256 MiB. */
  public static final long DEFAULT_BYTE_CAP = 256L << 20;

  /**
   * The default cap on kept boundary snapshots: a lookup replays at most span / 256 steps once it
   * is reached.
   */
  public static final int DEFAULT_MAX_KEPT = 256;

  private final TraceRun run;
  private final long byteCap;
  private final int maxKept;
  private final TreeMap<Long, byte[]> kept = new TreeMap<>(); // time -> snapshot
  private long spacing = 1; // in strides
  private long bytes;
  private long terminalTime = -1;
  private byte[] terminal;
  private long taken;

  BoundarySnapshots(TraceRun run, long byteCap, int maxKept) {
    if (byteCap < 0 || maxKept < 0) {
      throw new InvalidInputException(
          "the snapshot caps must be non-negative, got "
              + byteCap
              + " bytes, "
              + maxKept
              + " snapshots");
    }
    this.run = run;
    this.byteCap = byteCap;
    this.maxKept = maxKept;
  }

  /** Called at each checkpoint of the build (stride boundaries and the terminal state). */
  void offer(long t, Machine m) {
    long stride = run.shape().stride();
    if (m.terminal()) {
      byte[] snap = m.snapshotWithoutHistory();
      if (snap.length <= byteCap) {
        terminal = snap;
        terminalTime = t;
        bytes += snap.length;
        taken++;
        thin();
      }
      return;
    }
    if (t % stride != 0 || (t / stride) % spacing != 0) {
      return;
    }
    byte[] snap = m.snapshotWithoutHistory();
    taken++;
    kept.put(t, snap);
    bytes += snap.length;
    thin();
  }

  /** Doubles the spacing (dropping the boundaries off it) until the kept bytes fit the cap. */
  private void thin() {
    while ((bytes > byteCap || kept.size() > maxKept) && !kept.isEmpty()) {
      spacing *= 2;
      long every = spacing * run.shape().stride();
      var it = kept.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, byte[]> e = it.next();
        if (e.getKey() % every != 0) {
          bytes -= e.getValue().length;
          it.remove();
        }
      }
    }
    if (bytes > byteCap && terminal != null) { // the terminal snapshot alone is above the cap
      bytes -= terminal.length;
      terminal = null;
      terminalTime = -1;
    }
  }

  /**
   * The true machine at time t (a terminal machine stays where it is), restored from the nearest
   * snapshot at or before t.
   */
  Machine machineAt(long t) {
    if (t < 0 || t > run.shape().span()) {
      throw new InvalidInputException(
          "time " + t + " is outside the trace's 0.." + run.shape().span());
    }
    Machine m;
    if (terminal != null && t >= terminalTime) {
      m = Vm.restore(terminal, run.input(), run.config());
    } else {
      Map.Entry<Long, byte[]> e = kept.floorEntry(t);
      m = e == null ? run.load() : Vm.restore(e.getValue(), run.input(), run.config());
    }
    m.runTo(t, CheckpointSink.NONE);
    return m;
  }

  /** The boundaries kept are the multiples of spacing * S. */
  public long spacing() {
    return spacing;
  }

  /** How many snapshots are kept (the terminal one included). */
  public int count() {
    return kept.size() + (terminal == null ? 0 : 1);
  }

  /** The bytes kept (at most the cap). */
  public long bytes() {
    return bytes;
  }

  public long byteCap() {
    return byteCap;
  }

  /** How many snapshots were taken during the build (dropped ones included). */
  public long taken() {
    return taken;
  }

  /** The most steps a state lookup replays: spacing * S (the guest's cost beyond one restore). */
  public long maxReplaySteps() {
    long strides = run.shape().span() / run.shape().stride();
    return spacing >= strides ? run.shape().span() : spacing * run.shape().stride();
  }
}
