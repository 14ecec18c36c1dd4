package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.bytes.Bytes32;

/** The state hash at a checkpoint step (a multiple of the stride, step 0, or the exit step). */
public record Checkpoint(long step, Bytes32 stateHash) {
  public Checkpoint {
    if (step < 0) {
      throw new IllegalArgumentException("negative step");
    }
  }
}
