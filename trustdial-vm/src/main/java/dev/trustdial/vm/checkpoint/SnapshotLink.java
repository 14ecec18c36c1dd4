package dev.trustdial.vm.checkpoint;

import dev.trustdial.vm.state.VmState;

/**
 * One link of a checkpoint chain (docs/spec/vm.md §8.1): a full {@link Snapshot} (a chain of one)
 * or a {@link SnapshotDelta} on top of its parent. A link's hash is its keccak256 trailer.
 */
public sealed interface SnapshotLink permits Snapshot, SnapshotDelta {
  VmState state();

  long stride();

  byte[] encode();

  /** Deltas from the chain's full snapshot to this link: 0 for a full snapshot. */
  default int depth() {
    return this instanceof SnapshotDelta d ? d.depth() : 0;
  }
}
