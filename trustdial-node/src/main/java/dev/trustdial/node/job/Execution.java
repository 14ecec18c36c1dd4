package dev.trustdial.node.job;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.GuestFault;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.StepLimitExceededException;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.util.Optional;

/** Runs a job's program in fast mode, from step 0 or from a trusted snapshot, to its exit. */
public final class Execution {
  private Execution() {}

  /**
   * A machine for the job: restored from {@code snapshot} (checked against {@code stateHash}) or
   * fresh.
   */
  public static Machine start(JobProgram program, Optional<Snapshot> snapshot) {
    VmConfig config =
        VmConfig.defaults().withCheckpointEvery(program.envelope().checkpointStride());
    Machine m =
        snapshot
            .map(s -> Vm.restore(s.bytes(), program.envelope().input(), config, s.stateHash()))
            .orElseGet(() -> load(program, config));
    if (m.checkpointStride() != program.envelope().checkpointStride()) {
      throw new dev.trustdial.core.InvalidInputException(
          "snapshot stride "
              + m.checkpointStride()
              + " differs from the job's "
              + program.envelope().checkpointStride());
    }
    return m;
  }

  /** A fresh machine; an ELF the loader refuses is a {@link JobRejected} (reason 4). */
  private static Machine load(JobProgram program, VmConfig config) {
    try {
      return Vm.load(program.elf(), program.envelope().input(), config);
    } catch (InvalidInputException e) {
      throw new JobRejected(
          RejectReason.PROGRAM_NOT_RUNNABLE,
          "the job's program is not a valid RV32IM ELF: " + e.getMessage(),
          e);
    }
  }

  /** Runs to the exit (at most {@code maxSteps}), handing every checkpoint to the sink. */
  public static RunResult finish(Machine m, long maxSteps, CheckpointSink sink) {
    return m.run(maxSteps, sink);
  }

  /**
   * Runs to the job's outcome: the exit, a guest fault (the machine is then in the faulted terminal
   * state, one step past the faulting step) or the step limit (the machine at step {@code
   * maxSteps}).
   */
  public static JobOutcome outcome(Machine m, long maxSteps, CheckpointSink sink) {
    try {
      RunResult r = m.run(maxSteps, sink);
      return new JobOutcome.Completed(commitment(r), r.output().toArray());
    } catch (GuestFault f) {
      assert m.faulted() && m.step() == f.step() + 1
          : "a fault leaves the machine in the faulted state after the faulting step";
      return new JobOutcome.Faulted(f.step(), f.pc(), m.stateHash());
    } catch (StepLimitExceededException e) {
      assert m.step() == maxSteps : "the step limit leaves the machine at maxSteps";
      return new JobOutcome.StepLimit(maxSteps, m.stateHash());
    }
  }

  public static ResultCommitment commitment(RunResult r) {
    return new ResultCommitment(r.outputHash(), r.finalStateHash(), r.steps(), r.checkpointRoot());
  }

  /** A snapshot's bytes with the state hash a caller trusts for it (a heartbeat's). */
  public record Snapshot(byte[] bytes, Bytes32 stateHash) {}
}
