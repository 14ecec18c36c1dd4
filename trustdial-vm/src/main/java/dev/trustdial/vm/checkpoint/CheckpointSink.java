package dev.trustdial.vm.checkpoint;

import dev.trustdial.vm.Machine;

/**
 * Receives each checkpoint as the machine reaches it. The machine is paused at that step, so a sink
 * that wants a snapshot calls {@link Machine#snapshot()}.
 */
@FunctionalInterface
public interface CheckpointSink {
  CheckpointSink NONE = (cp, machine) -> {};

  void accept(Checkpoint checkpoint, Machine machine);
}
