package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.state.VmState;
import java.util.List;

/**
 * What a checkpoint link needs, copied out of a machine at a checkpoint (Machine#capture) so that
 * encoding, compression and storage can run on another thread while the machine goes on. A full
 * capture holds every non-zero page, the whole checkpoint history and output; a delta capture what
 * changed since the machine's previous capture.
 */
public record CheckpointCapture(
    boolean full,
    VmState state,
    long stride,
    List<Checkpoint> checkpoints,
    int outputFrom,
    byte[] output,
    List<Snapshot.Page> pages) {
  public CheckpointCapture {
    if (full && outputFrom != 0) {
      throw new IllegalArgumentException("a full capture holds the whole output");
    }
    checkpoints = List.copyOf(checkpoints);
    pages = List.copyOf(pages);
  }

  public long step() {
    return state.step();
  }

  public Bytes32 stateHash() {
    return state.hash();
  }

  /** The full snapshot (docs/spec/vm.md §8) of a full capture. */
  public Snapshot toSnapshot() {
    if (!full) {
      throw new IllegalStateException("a delta capture needs its parent: use toDelta");
    }
    return new Snapshot(state, stride, checkpoints, Bytes.of(output), pages);
  }

  /**
   * The delta link (§8.1) of a delta capture on top of the link {@code parent} stored at {@code
   * locator}.
   */
  public SnapshotDelta toDelta(Bytes32 parent, Bytes32 locator, int depth) {
    if (full) {
      throw new IllegalStateException("a full capture encodes as a full snapshot: use toSnapshot");
    }
    return new SnapshotDelta(
        parent, locator, depth, state, stride, checkpoints, outputFrom, Bytes.of(output), pages);
  }

  /**
   * This capture followed by {@code next}, the machine's next capture, as one: what a link written
   * for {@code next} alone would need had this one never been written (a pipeline that is behind
   * writes only the newest checkpoint). Pages overlay (the later wins), checkpoints and output
   * append; a full {@code next} replaces everything.
   */
  public CheckpointCapture then(CheckpointCapture next) {
    if (next.step() <= step() || next.stride != stride) {
      throw new IllegalArgumentException(
          "capture at step " + next.step() + " does not follow the one at step " + step());
    }
    if (next.full) {
      return next;
    }
    if (next.outputFrom != outputFrom + output.length) {
      throw new IllegalArgumentException(
          "capture at step "
              + next.step()
              + " appends output at "
              + next.outputFrom
              + ", not at "
              + (outputFrom + output.length));
    }
    java.util.TreeMap<Integer, Snapshot.Page> merged = new java.util.TreeMap<>();
    pages.forEach(p -> merged.put(p.index(), p));
    next.pages.forEach(p -> merged.put(p.index(), p));
    List<Snapshot.Page> ps =
        merged.values().stream()
            .filter(p -> !full || !isZero(p.bytes()))
            .toList(); // a full capture omits zero pages
    List<Checkpoint> cps = new java.util.ArrayList<>(checkpoints);
    cps.addAll(next.checkpoints);
    byte[] out = java.util.Arrays.copyOf(output, output.length + next.output.length);
    System.arraycopy(next.output, 0, out, output.length, next.output.length);
    return new CheckpointCapture(full, next.state, stride, cps, outputFrom, out, ps);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Bytes the capture holds (pages, output, history): what a pending checkpoint costs in memory.
   */
  public long heldBytes() {
    return (long) pages.size() * (4 + dev.trustdial.vm.memory.Memory.PAGE_SIZE)
        + output.length
        + 40L * checkpoints.size();
  }
}
