package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.checkpoint.SnapshotChain;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;

/** The VM's entry point: load or restore a machine, produce and check step witnesses. */
public final class Vm {
  private Vm() {}

  /** A machine at step 0 with the program loaded and pc at its entry point. */
  public static Machine load(byte[] elf, byte[] input, VmConfig config) {
    return Machine.load(elf, VmInput.of(input), config);
  }

  /**
   * As {@link #load(byte[], byte[], VmConfig)} with the input's commitment form given (vm.md
   * §4.1.1: blobs).
   */
  public static Machine load(byte[] elf, VmInput input, VmConfig config) {
    return Machine.load(elf, input, config);
  }

  /**
   * A machine continuing from a snapshot. The snapshot's memory and output are re-hashed and must
   * match its state; the input must be the one the snapshot was taken with.
   */
  public static Machine restore(byte[] snapshot, byte[] input, VmConfig config) {
    return Machine.restore(snapshot, VmInput.of(input), config);
  }

  /** As {@link #restore(byte[], byte[], VmConfig)} with the input's commitment form given. */
  public static Machine restore(byte[] snapshot, VmInput input, VmConfig config) {
    return Machine.restore(snapshot, input, config);
  }

  /**
   * As {@link #restore(byte[], byte[], VmConfig)}, also requiring the state hash a caller trusts.
   */
  public static Machine restore(
      byte[] snapshot, byte[] input, VmConfig config, Bytes32 expectedStateHash) {
    Machine m = Machine.restore(snapshot, VmInput.of(input), config);
    Bytes32 actual = m.stateHash();
    if (!actual.equals(expectedStateHash)) {
      throw new InvalidInputException(
          "snapshot state hash " + actual + " is not the expected " + expectedStateHash);
    }
    return m;
  }

  /**
   * A machine continuing from the checkpoint chain whose head link is {@code head} (docs/spec/vm.md
   * §8.1: a full snapshot or a delta, compressed or not); each delta's parent comes from {@code
   * source} and must hash to the delta's reference. The folded snapshot is then restored with every
   * check of {@link #restore(byte[], VmInput, VmConfig)}, and its state hash must be {@code
   * expectedStateHash}.
   */
  public static Machine restore(
      byte[] head,
      SnapshotChain.LinkSource source,
      SnapshotChain.Limits limits,
      VmInput input,
      VmConfig config,
      Bytes32 expectedStateHash) {
    Machine m = Machine.restore(SnapshotChain.resolve(head, source, limits), input, config);
    Bytes32 actual = m.stateHash();
    if (!actual.equals(expectedStateHash)) {
      throw new InvalidInputException(
          "snapshot state hash " + actual + " is not the expected " + expectedStateHash);
    }
    return m;
  }

  /**
   * The witness of step {@code step} (0-based: the step from the state at {@code step}). The run's
   * terminal state has one too (it steps to itself); past it there is no state at that step.
   */
  public static Witness witness(byte[] elf, byte[] input, VmConfig config, long step) {
    return witness(elf, VmInput.of(input), config, step);
  }

  /** As {@link #witness(byte[], byte[], VmConfig, long)} with the input's commitment form given. */
  public static Witness witness(byte[] elf, VmInput input, VmConfig config, long step) {
    if (step < 0) {
      throw new InvalidInputException("step must be non-negative, got " + step);
    }
    Machine m = load(elf, input, config);
    m.runTo(step, CheckpointSink.NONE);
    if (m.step() != step) {
      throw new InvalidInputException(
          "the guest "
              + (m.exited() ? "exited" : "faulted")
              + " at step "
              + m.step()
              + ", before step "
              + step);
    }
    return m.witnessNextStep();
  }

  /**
   * Checks a witness independently of the interpreter (docs/spec/vm.md §9.2: only its pre-state and
   * compressed proof bytes); returns the post-state hash and status, or throws WitnessRejected.
   */
  public static WitnessChecker.Result checkWitness(Witness witness) {
    return WitnessChecker.check(witness);
  }
}
