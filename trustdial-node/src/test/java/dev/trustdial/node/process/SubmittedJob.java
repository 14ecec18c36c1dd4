package dev.trustdial.node.process;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.checkpoint.SnapshotChain;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A sha256chain job a developer put on DA and submitted, with the result of an uninterrupted run.
 */
record SubmittedJob(BigInteger jobId, ResultCommitment expected, byte[] expectedOutput) {
  static final long STRIDE = 1 << 16;
  static final BigInteger FEE = Tokens.of(10);

  /** The sha256chain example guest as trustdial-vm/setup.sh builds it (no binaries live in git). */
  static final java.nio.file.Path ELF =
      java.nio.file.Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");

  static byte[] elf() throws Exception {
    if (!java.nio.file.Files.isRegularFile(ELF)) {
      throw new IllegalStateException(
          ELF.toAbsolutePath().normalize()
              + " is missing: run trustdial-vm/setup.sh first (./trustdial test does)");
    }
    return java.nio.file.Files.readAllBytes(ELF);
  }

  /** The uninterrupted run's result, computed in this JVM. */
  static RunResult expected(int iterations) throws Exception {
    byte[] elf = elf();
    JobEnvelope envelope = new JobEnvelope(Bytes32.ZERO, STRIDE, input(iterations));
    JobProgram program = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    return Execution.finish(
        Execution.start(program, Optional.empty()), 50_000_000L, CheckpointSink.NONE);
  }

  /**
   * The result of running on from a heartbeated checkpoint, restored from DA alone: the chain of
   * links folded (each delta's parent fetched by the blob key it names) and checked against the
   * heartbeat's state hash.
   */
  static ResultCommitment finishFrom(
      DataAvailability da, SettlementEvent.HeartbeatPosted h, int iterations) {
    byte[] snapshot =
        SnapshotChain.fullSnapshotBytes(
            da.get(h.checkpointBlobKey()),
            (hash, locator) -> da.get(locator),
            SnapshotChain.Limits.DEFAULT);
    Machine m =
        Vm.restore(
            snapshot,
            input(iterations),
            VmConfig.defaults().withCheckpointEvery(STRIDE),
            h.stateHash());
    return Execution.commitment(Execution.finish(m, 50_000_000L, CheckpointSink.NONE));
  }

  static byte[] input(int iterations) {
    return new byte[] {(byte) iterations, (byte) (iterations >> 8), 0, 0, 't', 'd'};
  }

  /**
   * Puts the program and envelope on DA, creates the app and submits the job (queued; a keeper
   * assigns it).
   */
  static SubmittedJob submit(Settlement developer, DataAvailability da, int iterations)
      throws Exception {
    BigInteger jobId = submitProgram(developer, da, elf(), input(iterations), STRIDE, 50_000_000L);
    RunResult r = expected(iterations);
    return new SubmittedJob(jobId, Execution.commitment(r), r.output().toArray());
  }

  /**
   * Puts {@code elf} and an envelope for {@code input} at {@code stride} on DA, creates the app and
   * submits the job; its id.
   */
  static BigInteger submitProgram(
      Settlement developer,
      DataAvailability da,
      byte[] elf,
      byte[] input,
      long stride,
      long maxSteps) {
    Bytes32 programKey = da.put(elf).blobKey();
    JobEnvelope envelope = new JobEnvelope(programKey, stride, input);
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    BigInteger appId =
        developer
            .createApp(TrustMode.REEXEC_INTERSUBJECTIVE, Hashes.keccak256(elf), new byte[0])
            .id();
    // Stake counts in a job's snapshot only activationDelayBlocks after it arrived: nodes that just
    // registered must not miss this job because the chain was quiet.
    developer.mineBlocks((int) developer.activationDelayBlocks() + 1);
    return developer.submitJob(appId, envelopeKey, envelope.digest(), maxSteps, FEE).id();
  }
}
