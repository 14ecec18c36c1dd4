package dev.trustdial.node.job;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.util.Optional;

/** Runs a job's program in fast mode, from step 0 or from a trusted snapshot, to its exit. */
public final class Execution {
  private Execution() {}

  /** A machine for the job: restored from {@code snapshot} (checked against {@code stateHash}) or fresh. */
  public static Machine start(JobProgram program, Optional<Snapshot> snapshot) {
    VmConfig config = VmConfig.defaults().withCheckpointEvery(program.envelope().checkpointStride());
    Machine m = snapshot
        .map(s -> Vm.restore(s.bytes(), program.envelope().input(), config, s.stateHash()))
        .orElseGet(() -> Vm.load(program.elf(), program.envelope().input(), config));
    if (m.checkpointStride() != program.envelope().checkpointStride()) {
      throw new dev.trustdial.core.InvalidInputException("snapshot stride " + m.checkpointStride()
          + " differs from the job's " + program.envelope().checkpointStride());
    }
    return m;
  }

  /** Runs to the exit (at most {@code maxSteps}), handing every checkpoint to the sink. */
  public static RunResult finish(Machine m, long maxSteps, CheckpointSink sink) {
    return m.run(maxSteps, sink);
  }

  public static ResultCommitment commitment(RunResult r) {
    return new ResultCommitment(r.outputHash(), r.finalStateHash(), r.steps(), r.checkpointRoot());
  }

  /** A snapshot's bytes with the state hash a caller trusts for it (a heartbeat's). */
  public record Snapshot(byte[] bytes, Bytes32 stateHash) {}
}
