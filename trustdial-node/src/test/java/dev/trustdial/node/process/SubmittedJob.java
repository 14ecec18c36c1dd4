package dev.trustdial.node.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.JobEnvelope;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Optional;

/** A sha256chain job a developer put on DA and submitted, with the result of an uninterrupted run. */
record SubmittedJob(BigInteger jobId, ResultCommitment expected, byte[] expectedOutput) {
  static final long STRIDE = 1 << 16;
  static final BigInteger FEE = Tokens.of(10);

  static byte[] elf() throws Exception {
    try (InputStream in = SubmittedJob.class.getResourceAsStream("/sha256chain.elf")) {
      byte[] elf = in.readAllBytes();
      // The copy must be the one its README names.
      assertThat(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(elf)))
          .isEqualTo("869932a62bd5faeafe8dcf69d219fe120437f4a482c77d053abd9908822ca5a8");
      return elf;
    }
  }

  /** The uninterrupted run's result, computed in this JVM. */
  static RunResult expected(int iterations) throws Exception {
    byte[] elf = elf();
    JobEnvelope envelope = new JobEnvelope(Bytes32.ZERO, STRIDE, input(iterations));
    JobProgram program = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    return Execution.finish(Execution.start(program, Optional.empty()), 50_000_000L, CheckpointSink.NONE);
  }

  static byte[] input(int iterations) {
    return new byte[] {(byte) iterations, (byte) (iterations >> 8), 0, 0, 't', 'd'};
  }

  /** Puts the program and envelope on DA, creates the app and submits the job (the chain assigns it). */
  static SubmittedJob submit(Settlement developer, DataAvailability da, int iterations) throws Exception {
    byte[] elf = elf();
    byte[] input = input(iterations);
    Bytes32 programKey = da.put(elf).blobKey();
    JobEnvelope envelope = new JobEnvelope(programKey, STRIDE, input);
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    BigInteger appId = developer.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, Hashes.keccak256(elf), new byte[0]).id();
    BigInteger jobId = developer.submitJob(appId, envelopeKey, envelope.digest(), 50_000_000L, FEE).id();
    RunResult r = expected(iterations);
    return new SubmittedJob(jobId, Execution.commitment(r), r.output());
  }
}
