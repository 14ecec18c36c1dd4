package dev.trustdial.node.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.node.job.RejectReason;
import dev.trustdial.node.job.TinyElf;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that cannot run are nobody's liveness fault (docs/spec/job-input.md, "Outcomes of jobs that
 * produce no output"): with real operator and watchtower processes, a guest that faults and a job
 * whose input does not match its digest each end with their outcome posted as the result; the
 * watchtower re-executes and agrees, the result finalizes, the operator is paid the fee and nobody
 * is slashed or reported.
 */
class JobOutcomesIT {
  @TempDir static Path dir;
  private static final long MAX_STEPS = 1_000_000;
  private static DaNetwork da;
  private static DataAvailability client;

  @BeforeAll
  static void startDa() throws Exception {
    da = DaNetwork.start(dir.resolve("da"), 4);
    client = da.settings().client();
  }

  @AfterAll
  static void stopDa() throws Exception {
    if (da != null) {
      da.close();
    }
  }

  @Test
  void aFaultingGuestEndsWithItsFaultAndTheOperatorIsPaid() throws Exception {
    byte[] elf = TinyElf.faulting();
    JobEnvelope envelope = new JobEnvelope(client.put(elf).blobKey(), 1 << 16, new byte[0]);
    JobProgram program = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    JobOutcome expected =
        Execution.outcome(
            Execution.start(program, Optional.empty()), MAX_STEPS, CheckpointSink.NONE);
    assertThat(expected).isInstanceOf(JobOutcome.Faulted.class);
    runToOutcome("fault", elf, envelope, envelope.digest(), expected, "faulted at step 2");
  }

  @Test
  void aJobWhoseInputDoesNotMatchItsDigestEndsRejected() throws Exception {
    byte[] elf = TinyElf.exiting();
    JobEnvelope envelope =
        new JobEnvelope(client.put(elf).blobKey(), 1 << 16, new byte[] {1, 2, 3});
    Bytes32 wrongDigest =
        new JobEnvelope(envelope.programBlobKey(), 1 << 16, new byte[] {9}).digest();
    runToOutcome(
        "rejected",
        elf,
        envelope,
        wrongDigest,
        new JobOutcome.Rejected(RejectReason.INPUT_DIGEST_MISMATCH),
        "rejected: input digest mismatch");
  }

  private void runToOutcome(
      String name,
      byte[] elf,
      JobEnvelope envelope,
      Bytes32 inputDigest,
      JobOutcome expected,
      String summary)
      throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve(name), da)) {
      List<ChildJvm.Started> nodes =
          chain.startNodes(List.of("operator-1", "watchtower-1"), List.of(1, 5));
      Address operator = Address.parse(nodes.getFirst().word("account"));
      Settlement developer = chain.as(7);
      Bytes32 envelopeKey = client.put(envelope.encode()).blobKey();
      BigInteger appId =
          developer
              .createApp(TrustMode.REEXEC_INTERSUBJECTIVE, Hashes.keccak256(elf), new byte[0])
              .id();
      developer.mineBlocks((int) developer.activationDelayBlocks() + 1);
      BigInteger id =
          developer.submitJob(appId, envelopeKey, inputDigest, MAX_STEPS, SubmittedJob.FEE).id();

      var result =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(120));
      assertThat(result.operator()).isEqualTo(operator);
      assertThat(result.result()).isEqualTo(expected.commitment());
      assertThat(result.outputBlobKey()).isEqualTo(Bytes32.ZERO);
      BigInteger before = chain.owner.balanceOf(operator);
      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(finalized.paidTo()).isEqualTo(operator);
      assertThat(finalized.fee()).isEqualTo(SubmittedJob.FEE);
      assertThat(chain.owner.balanceOf(operator).subtract(before)).isEqualTo(SubmittedJob.FEE);
      assertThat(chain.owner.job(id).result()).contains(expected.commitment());

      assertThat(chain.count(SettlementEvent.Slashed.class, e -> true)).isZero();
      assertThat(chain.count(SettlementEvent.HeartbeatMissed.class, e -> true)).isZero();
      assertThat(chain.count(SettlementEvent.JobDeclined.class, e -> true)).isZero();
      assertThat(chain.count(SettlementEvent.JobChallenged.class, e -> true)).isZero();
      assertThat(http(nodes.get(1), "/health")).contains("\"" + id + "\":\"ok\"");
      assertThat(http(nodes.getFirst(), "/health")).contains(summary);
      assertThat(http(nodes.getFirst(), "/metrics"))
          .contains(
              expected instanceof JobOutcome.Rejected
                  ? "trustdial_operator_jobs_rejected_total 1"
                  : "trustdial_operator_guest_faults_total 1");
      assertThat(Files.readString(nodes.get(1).log()))
          .contains("re-executed (" + expected.summary() + "), matches");
    }
  }

  private static String http(ChildJvm.Started node, String path) throws Exception {
    var req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.port() + path))
            .timeout(Duration.ofSeconds(30))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(req, java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
