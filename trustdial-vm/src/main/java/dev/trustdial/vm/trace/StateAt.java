package dev.trustdial.vm.trace;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.input.PointEvaluation;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;

/**
 * The claimed state T(t) and the compressed proof (vm.md §9.2) of the step from it: what
 * ObjectiveCourt.proveStep takes. A lie changes only outputAcc, never memory or input, so the true
 * run's proof bytes serve the claimed state too.
 *
 * @param time t
 * @param state the claimed T(t)
 * @param witness the true run's witness of the step from time t (its pre-state is the true T(t))
 * @param pointEvaluation the KZG check of a blob-form input's read witness (vm.md §4.1.1), as the
 *     precompile does
 */
public record StateAt(long time, VmState state, Witness witness, PointEvaluation pointEvaluation) {
  static StateAt of(TraceRun run, long t, java.util.function.LongFunction<Machine> machineAt) {
    Machine m = machineAt.apply(t);
    VmState truth = m.state();
    Witness w = m.witnessNextStep();
    if (!w.preStateHash().equals(truth.hash())) {
      throw new IllegalStateException(
          "the witness of time " + t + " does not start from the machine's state");
    }
    return new StateAt(t, run.claimed(t, truth), w, run.input().pointEvaluation());
  }

  /** The 296-byte encoding of the claimed T(t): proveStep's preState. */
  public byte[] encoded() {
    return state.encode();
  }

  /** proveStep's stepProof. */
  public byte[] proof() {
    return witness.proof().toArray();
  }

  /**
   * The hash the onchain step gives for the claimed state and this proof (the independent checker,
   * vm.md §9.2).
   */
  public Bytes32 successorHash() {
    return WitnessChecker.step(state.encode(), witness.proof().toArray(), pointEvaluation)
        .postStateHash();
  }
}
