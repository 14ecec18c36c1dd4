package dev.trustdial.node.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.GasLedger;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.DataAvailability;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, each its own JVM: 4 DA nodes shared by the tests, and per test a fresh anvil with
 * operators and watchtowers. Takeover: the assigned operator is SIGKILLed after two checkpoints,
 * while its VM runs ahead of its heartbeats (checkpoints captured but still in its {@code
 * CheckpointPipeline}); the watchtower reports the missed heartbeat, the chain slashes and
 * reassigns, the other operator restores the last checkpoint named onchain from DA (a chain of
 * delta links), finishes with the uninterrupted run's result and is paid the fee, and every
 * checkpoint the killed operator heartbeated restores from DA alone to that same result. Lie: an
 * operator posts a wrong output; one watchtower challenges, the other votes, the liar is slashed
 * and the job ends with the right result.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeProcessesIT {
  @TempDir static Path dir;
  private static final int ITERATIONS = 150;

  /**
   * About 3.6 M steps, 55 checkpoints, for the tests that kill an operator mid-job: with its
   * checkpoints written behind the VM a shorter job could end before the kill.
   */
  private static final int LONG_ITERATIONS = 600;

  private static final int LIE_ITERATIONS = 40;
  private static final long RESTART_WINDOW = 90;
  private static DaNetwork da;
  private static DataAvailability client;

  @BeforeAll
  static void startDa() throws Exception {
    SubmittedJob.expected(ITERATIONS);
    SubmittedJob.expected(LONG_ITERATIONS);
    SubmittedJob.expected(LIE_ITERATIONS);
    da = DaNetwork.start(dir.resolve("da"), 4);
    client = da.settings().client();
    client.put(new byte[] {1});
  }

  @AfterAll
  static void stopDa() throws Exception {
    if (da != null) {
      da.close();
    }
  }

  @Test
  @Order(1)
  void successorResumesFromDaAndFinishesWithTheUninterruptedResult() throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve("takeover"), da)) {
      Map<Address, ChildJvm.Started> operators = new HashMap<>();
      for (ChildJvm.Started p :
          chain.startNodes(List.of("watchtower-1", "operator-1", "operator-2"), List.of(5, 1, 2))) {
        operators.put(Address.parse(p.word("account")), p);
      }
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LONG_ITERATIONS);
      BigInteger id = job.jobId();

      var first =
          chain.await(
              SettlementEvent.JobAssigned.class, a -> a.jobId().equals(id), Duration.ofSeconds(30));
      var second =
          chain.await(
              SettlementEvent.HeartbeatPosted.class,
              h -> h.jobId().equals(id) && h.step() >= 2 * SubmittedJob.STRIDE,
              Duration.ofSeconds(120));
      // The VM runs ahead of its heartbeats: SIGKILL it while checkpoints it captured are still in
      // its pipeline (not yet on DA, certified and heartbeated); none of them may be needed.
      ChildJvm.Started victim = operators.get(first.operator());
      long pendingAtKill = awaitGauge(victim, "trustdial_operator_checkpoints_pending");
      victim.kill();
      long killedAt = System.nanoTime();
      assertThat(pendingAtKill).isPositive();
      // The kill may land after a further heartbeat: the successor must resume from whatever the
      // chain holds now.
      Thread.sleep(500);
      JobInfo atKill = chain.owner.job(id);
      assertThat(atKill.status())
          .as("the job must still be running when its operator dies")
          .isEqualTo(JobStatus.ASSIGNED);
      assertThat(atKill.lastStep()).isGreaterThanOrEqualTo(second.step());

      var missed =
          chain.await(
              SettlementEvent.HeartbeatMissed.class,
              m -> m.jobId().equals(id),
              Duration.ofSeconds(60));
      long reportedAt = System.nanoTime();
      assertThat(missed.operator()).isEqualTo(first.operator());
      assertThat(missed.reporter()).isEqualTo(chain.address(5));
      var slash =
          chain.await(
              SettlementEvent.Slashed.class,
              s -> s.operator().equals(first.operator()),
              Duration.ofSeconds(5));
      assertThat(slash.reason()).isEqualTo("liveness");
      assertThat(slash.amount()).isPositive();

      var reassigned =
          chain.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id) && a.attempt() == 1,
              Duration.ofSeconds(5));
      assertThat(reassigned.operator()).isNotEqualTo(first.operator());
      assertThat(reassigned.resumeFromCheckpoint()).isEqualTo(atKill.lastCheckpointBlobKey());
      var resumed =
          chain.await(
              SettlementEvent.HeartbeatPosted.class,
              h -> h.jobId().equals(id) && h.operator().equals(reassigned.operator()),
              Duration.ofSeconds(120));
      long resumedAt = System.nanoTime();
      // Its first checkpoint may stand for several strides (coalesced behind the first DA put).
      assertThat(resumed.step()).isGreaterThan(atKill.lastStep());
      assertThat((resumed.step() - atKill.lastStep()) % SubmittedJob.STRIDE).isZero();

      var result =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(120));
      assertThat(result.operator()).isEqualTo(reassigned.operator());
      assertThat(result.result()).isEqualTo(job.expected());
      assertThat(client.get(result.outputBlobKey())).isEqualTo(job.expectedOutput());

      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(finalized.paidTo()).isEqualTo(reassigned.operator());
      assertThat(finalized.fee()).isEqualTo(SubmittedJob.FEE);
      assertThat(chain.owner.job(id).result()).contains(job.expected());
      assertThat(Files.readString(operators.get(reassigned.operator()).log()))
          .contains("restoring the snapshot at step " + atKill.lastStep() + " from DA");
      // Nothing heartbeated was lost: each checkpoint the killed operator named onchain restores
      // from DA alone (its chain of links folded) and runs on to the uninterrupted result.
      List<SettlementEvent.HeartbeatPosted> named =
          chain.events().stream()
              .filter(SettlementEvent.HeartbeatPosted.class::isInstance)
              .map(SettlementEvent.HeartbeatPosted.class::cast)
              .filter(h -> h.jobId().equals(id) && h.operator().equals(first.operator()))
              .toList();
      assertThat(named).isNotEmpty();
      assertThat(named.getLast().step()).isEqualTo(atKill.lastStep());
      for (SettlementEvent.HeartbeatPosted h : named) {
        assertThat(SubmittedJob.finishFrom(client, h, LONG_ITERATIONS))
            .as("the run on from the checkpoint of step %d on DA", h.step())
            .isEqualTo(job.expected());
      }
      ChildJvm.Started successor = operators.get(reassigned.operator());
      assertThat(http(successor, "/health")).contains("\"status\":\"ok\"").contains("submitted");
      assertThat(http(successor, "/metrics"))
          .contains("trustdial_operator_results_submitted_total 1")
          .containsPattern("trustdial_operator_heartbeats_total [1-9]");

      Map<String, GasLedger.Line> gas =
          GasLedger.of(chain.anvil.rpcUrl(), 0, chain.owner.blockNumber());
      String figures =
          """
          takeover: kill -> reportMissed %.1f s (heartbeat window %d s), kill -> successor's first heartbeat %.1f s
          takeover gas by call (calls, total, max): %s
          """
              .formatted(
                  (reportedAt - killedAt) / 1e9,
                  Devchain.HEARTBEAT_WINDOW,
                  (resumedAt - killedAt) / 1e9,
                  gas);
      System.out.print(figures);
      Files.writeString(Path.of("target", "takeover-figures.txt"), figures);
    }
  }

  @Test
  @Order(2)
  void lieIsChallengedVotedDownAndSlashed() throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve("lie"), da)) {
      List<ChildJvm.Started> nodes =
          chain.startNodes(List.of("liar-3", "watchtower-1", "watchtower-2"), List.of(3, 5, 6));
      Address liar = Address.parse(nodes.getFirst().word("account"));
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LIE_ITERATIONS);
      BigInteger id = job.jobId();

      var lie =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(180));
      long liedAt = System.nanoTime();
      assertThat(lie.operator()).isEqualTo(liar);
      assertThat(lie.result()).isNotEqualTo(job.expected());
      assertThat(lie.result().finalStateHash()).isEqualTo(job.expected().finalStateHash());

      // Each watchtower re-executes and challenges on its own (any number of disputes per result);
      // in each dispute the other watchtower, not a party to it, votes.
      var challenged =
          chain.await(
              SettlementEvent.JobChallenged.class,
              c -> c.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(challenged.challenger()).isIn(chain.address(5), chain.address(6));
      assertThat(challenged.challengerCommitment()).isEqualTo(job.expected().commitment());
      Address voter =
          challenged.challenger().equals(chain.address(5)) ? chain.address(6) : chain.address(5);
      var vote =
          chain.await(
              SettlementEvent.Voted.class,
              v -> v.disputeId().equals(challenged.disputeId()),
              Duration.ofSeconds(60));
      assertThat(vote.voter()).isEqualTo(voter);
      assertThat(vote.commitment()).isEqualTo(job.expected().commitment());

      var settled =
          chain.await(
              SettlementEvent.DisputeSettled.class,
              d -> d.jobId().equals(id) && !d.moot(),
              Duration.ofSeconds(60));
      long slashedAt = System.nanoTime();
      assertThat(settled.verdict()).isEqualTo(Verdict.CHALLENGER_WINS);
      Address winner = chain.owner.challengeOf(settled.disputeId()).challenger();
      var slash =
          chain.await(
              SettlementEvent.Slashed.class, s -> s.operator().equals(liar), Duration.ofSeconds(5));
      assertThat(slash.reason()).isEqualTo("dispute");
      assertThat(slash.by()).isEqualTo(chain.owner.deployment().jobManager());
      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class, f -> f.jobId().equals(id), Duration.ofSeconds(5));
      assertThat(finalized.paidTo()).isEqualTo(winner);
      assertThat(finalized.outputHash()).isEqualTo(job.expected().outputHash());
      assertThat(chain.owner.job(id).result()).contains(job.expected());
      // The voter settles its vote (its stake is held until then) and is paid from the liar's
      // slash.
      var paid =
          chain.await(
              SettlementEvent.VoteSettled.class,
              v -> v.disputeId().equals(settled.disputeId()),
              Duration.ofSeconds(30));
      assertThat(paid.reward()).isPositive();
      assertThat(paid.penalty()).isZero();
      awaitNoObligations(chain, List.of(chain.address(5), chain.address(6)));

      Map<String, GasLedger.Line> gas =
          GasLedger.of(chain.anvil.rpcUrl(), 0, chain.owner.blockNumber());
      String figures =
          """
          lie: result posted -> liar slashed %.1f s (challenge window %d s, voting period %d s)
          lie gas by call (calls, total, max): %s
          """
              .formatted(
                  (slashedAt - liedAt) / 1e9,
                  Devchain.CHALLENGE_WINDOW,
                  Devchain.VOTING_PERIOD,
                  gas);
      System.out.print(figures);
      Files.writeString(Path.of("target", "lie-figures.txt"), figures);
    }
  }

  /** Every vote settled: the accounts' stake backs no open obligation any more. */
  private static void awaitNoObligations(Devchain chain, List<Address> accounts)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (accounts.stream().anyMatch(a -> chain.owner.obligations(a).open() > 0)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "obligations still open: "
                + accounts.stream().map(a -> a + "=" + chain.owner.obligations(a)).toList());
      }
      Thread.sleep(250);
    }
  }

  /** Polls a gauge on the node's /metrics until it is positive (30 s at most); its last value. */
  private static long awaitGauge(ChildJvm.Started node, String gauge) throws Exception {
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            "(?m)^" + java.util.regex.Pattern.quote(gauge) + " ([0-9.eE+-]+)$");
    long value = 0;
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (value <= 0 && System.nanoTime() < until) {
      var m = line.matcher(http(node, "/metrics"));
      value = m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
      if (value <= 0) {
        Thread.sleep(20);
      }
    }
    return value;
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

  @Test
  @Order(3)
  void restartedOperatorResumesFromItsOwnCheckpointWithoutSlash() throws Exception {
    // A window long enough for a JVM to restart on a busy machine: the point is that no one is
    // slashed.
    try (Devchain chain = Devchain.start(dir.resolve("restart"), da, RESTART_WINDOW)) {
      List<ChildJvm.Started> nodes =
          chain.startNodes(List.of("operator-1", "watchtower-1"), List.of(1, 5));
      Address operator = Address.parse(nodes.getFirst().word("account"));
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LONG_ITERATIONS);
      BigInteger id = job.jobId();
      chain.await(
          SettlementEvent.HeartbeatPosted.class,
          h -> h.jobId().equals(id) && h.step() >= 2 * SubmittedJob.STRIDE,
          Duration.ofSeconds(120));
      nodes.getFirst().kill();
      JobInfo atKill = chain.owner.job(id);
      assertThat(atKill.status()).isEqualTo(JobStatus.ASSIGNED);

      ChildJvm.Started again = chain.startNode("operator", "operator-1", 1);
      var result =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(180));
      assertThat(result.operator()).isEqualTo(operator);
      assertThat(result.result()).isEqualTo(job.expected());
      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(finalized.paidTo()).isEqualTo(operator);
      assertThat(chain.count(SettlementEvent.HeartbeatMissed.class, e -> true)).isZero();
      assertThat(chain.count(SettlementEvent.Slashed.class, e -> true)).isZero();
      assertThat(Files.readString(again.log())).contains("resuming from our own snapshot at step ");
    }
  }

  @Test
  @Order(4)
  void falseChallengerLosesItsBond() throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve("false-challenge"), da)) {
      List<ChildJvm.Started> nodes =
          chain.startNodes(
              List.of("operator-1", "watchtower-1", "watchtower-2"),
              List.of(1, 5, 6),
              Map.of("watchtower-1", "--false-challenge"));
      Address operator = Address.parse(nodes.getFirst().word("account"));
      Address falseChallenger = chain.address(5);
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LIE_ITERATIONS);
      BigInteger id = job.jobId();
      var challenged =
          chain.await(
              SettlementEvent.JobChallenged.class,
              c -> c.jobId().equals(id),
              Duration.ofSeconds(180));
      assertThat(challenged.challenger()).isEqualTo(falseChallenger);
      BigInteger before = chain.owner.balanceOf(operator);
      var vote =
          chain.await(
              SettlementEvent.Voted.class,
              v -> v.disputeId().equals(challenged.disputeId()),
              Duration.ofSeconds(60));
      assertThat(vote.voter()).isEqualTo(chain.address(6));
      assertThat(vote.commitment()).isEqualTo(job.expected().commitment());
      var settled =
          chain.await(
              SettlementEvent.DisputeSettled.class,
              d -> d.disputeId().equals(challenged.disputeId()),
              Duration.ofSeconds(60));
      assertThat(settled.verdict()).isEqualTo(Verdict.OPERATOR_WINS);
      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(30));
      assertThat(finalized.paidTo()).isEqualTo(operator);
      // The operator gets the fee and its share of the forfeited bond, the voter its own share;
      // nobody is slashed.
      JobParams p = chain.owner.params();
      assertThat(chain.owner.balanceOf(operator).subtract(before))
          .isEqualTo(SubmittedJob.FEE.add(JobParams.ofWad(p.challengeBond(), p.partyRewardWad())));
      var paid =
          chain.await(
              SettlementEvent.VoteSettled.class,
              v -> v.disputeId().equals(challenged.disputeId()),
              Duration.ofSeconds(30));
      assertThat(paid.voter()).isEqualTo(chain.address(6));
      assertThat(paid.reward()).isEqualTo(JobParams.ofWad(p.challengeBond(), p.voterRewardWad()));
      assertThat(chain.count(SettlementEvent.Slashed.class, e -> true)).isZero();
      assertThat(chain.owner.job(id).result()).contains(job.expected());
    }
  }

  /**
   * Two jobs land on the only operator, which runs one job at a time: the second waits for a
   * thread, and keepalive heartbeats (re-posting its last checkpoint) keep it from being reported.
   */
  @Test
  @Order(5)
  void queuedJobIsKeptAliveAndBothFinishWithoutSlash() throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve("queued"), da)) {
      chain.maxConcurrentJobs = 1;
      List<ChildJvm.Started> nodes =
          chain.startNodes(List.of("operator-1", "watchtower-1"), List.of(1, 5));
      Address operator = Address.parse(nodes.getFirst().word("account"));
      SubmittedJob first = SubmittedJob.submit(chain.as(7), client, ITERATIONS);
      SubmittedJob second = SubmittedJob.submit(chain.as(7), client, LIE_ITERATIONS);
      for (SubmittedJob job : List.of(first, second)) {
        var result =
            chain.await(
                SettlementEvent.ResultSubmitted.class,
                r -> r.jobId().equals(job.jobId()),
                Duration.ofSeconds(240));
        assertThat(result.operator()).isEqualTo(operator);
        assertThat(result.result()).isEqualTo(job.expected());
        chain.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(job.jobId()),
            Duration.ofSeconds(60));
      }
      assertThat(chain.count(SettlementEvent.HeartbeatMissed.class, e -> true)).isZero();
      assertThat(chain.count(SettlementEvent.Slashed.class, e -> true)).isZero();
      // A keepalive re-posts the job's last step (0 while the second job waits for the thread):
      // count them onchain.
      Map<BigInteger, Long> lastStep = new HashMap<>();
      long keepalives = 0;
      for (SettlementEvent e : chain.events()) {
        if (e instanceof SettlementEvent.HeartbeatPosted h) {
          if (h.step() == lastStep.getOrDefault(h.jobId(), 0L)) {
            keepalives++;
          }
          lastStep.put(h.jobId(), h.step());
        }
      }
      System.out.println("queued job: " + keepalives + " keepalive heartbeats");
      assertThat(http(nodes.getFirst(), "/metrics"))
          .contains("trustdial_operator_keepalive_heartbeats_total " + keepalives);
    }
  }

  /**
   * A poisoned checkpoint: the first assignee (this test, as a registered operator) heartbeats a
   * checkpoint whose blob is not a snapshot of the job, then declines the job. The next assignee
   * cannot restore it, drops it onchain (restartJob) and runs the job from step 0 to the right
   * result; nobody is slashed.
   */
  @Test
  @Order(6)
  void anUnrestorableCheckpointIsDroppedAndTheJobRunsFromStepZero() throws Exception {
    try (Devchain chain = Devchain.start(dir.resolve("poison"), da, RESTART_WINDOW)) {
      var poisoner = chain.as(8);
      poisoner.register(
          java.util.EnumSet.of(dev.trustdial.chain.Role.COMPUTE),
          chain.address(8),
          "http://127.0.0.1:1",
          dev.trustdial.chain.Tokens.of(200));
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LIE_ITERATIONS);
      BigInteger id = job.jobId();
      // No node runs yet: the test is the only operator and assigns the job to itself.
      while (chain.owner.blockNumber() <= chain.owner.job(id).seedBlock()) {
        Thread.sleep(200);
      }
      poisoner.assign(id);
      assertThat(chain.owner.job(id).assignee()).isEqualTo(chain.address(8));
      var garbage =
          client
              .put("not a VM snapshot".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .blobKey();
      poisoner.heartbeat(
          id,
          SubmittedJob.STRIDE,
          dev.trustdial.core.hash.Hashes.keccak256(new byte[] {1}),
          garbage);

      List<ChildJvm.Started> nodes =
          chain.startNodes(List.of("operator-1", "watchtower-1"), List.of(1, 5));
      Address operator = Address.parse(nodes.getFirst().word("account"));
      chain.owner.mineBlocks((int) chain.owner.activationDelayBlocks() + 1);
      poisoner.declineJob(id);

      var assigned =
          chain.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id) && a.attempt() == 1,
              Duration.ofSeconds(30));
      assertThat(assigned.operator()).isEqualTo(operator);
      assertThat(assigned.resumeFromCheckpoint()).isEqualTo(garbage);
      var discarded =
          chain.await(
              SettlementEvent.CheckpointDiscarded.class,
              d -> d.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(discarded.operator()).isEqualTo(operator);
      assertThat(discarded.step()).isEqualTo(SubmittedJob.STRIDE);
      var result =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(120));
      assertThat(result.operator()).isEqualTo(operator);
      assertThat(result.result()).isEqualTo(job.expected());
      chain.await(
          SettlementEvent.JobFinalized.class, f -> f.jobId().equals(id), Duration.ofSeconds(60));
      assertThat(chain.count(SettlementEvent.Slashed.class, e -> true)).isZero();
      assertThat(Files.readString(nodes.getFirst().log()))
          .contains("restarting the job from step 0");
    }
  }

  /**
   * Last, because it kills half of the shared DA nodes. Reads need half the chunks (rate-1/2
   * coding); writes need the signers' stake over the threshold, so this network writes at 50% (2 of
   * 4 equal nodes) instead of the default 2/3: with the default, no checkpoint can be written while
   * half the nodes are down, and the successor could only restore.
   */
  @Test
  @Order(7)
  void takeoverWorksWithHalfTheDaNodesDown() throws Exception {
    // A wider heartbeat window than the other tests: this test runs last, after four devnets, and
    // once
    // (load average 12 from parallel builds) neither operator posted its first checkpoint within 8
    // s.
    try (Devchain chain =
        Devchain.start(dir.resolve("da-degraded"), da, 3 * Devchain.HEARTBEAT_WINDOW)) {
      chain.daThresholdBps = 5000;
      Map<Address, ChildJvm.Started> operators = new HashMap<>();
      for (ChildJvm.Started p :
          chain.startNodes(List.of("watchtower-1", "operator-1", "operator-2"), List.of(5, 1, 2))) {
        operators.put(Address.parse(p.word("account")), p);
      }
      SubmittedJob job = SubmittedJob.submit(chain.as(7), client, LONG_ITERATIONS);
      BigInteger id = job.jobId();
      var first =
          chain.await(
              SettlementEvent.JobAssigned.class, a -> a.jobId().equals(id), Duration.ofSeconds(30));
      chain.await(
          SettlementEvent.HeartbeatPosted.class,
          h -> h.jobId().equals(id) && h.step() >= 2 * SubmittedJob.STRIDE,
          Duration.ofSeconds(120));
      operators.get(first.operator()).kill();
      da.nodes.get(2).kill();
      da.nodes.get(3).kill();
      JobInfo atKill = chain.owner.job(id);
      assertThat(atKill.status()).isEqualTo(JobStatus.ASSIGNED);

      var reassigned =
          chain.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id) && a.attempt() == 1,
              Duration.ofSeconds(60));
      assertThat(reassigned.operator()).isNotEqualTo(first.operator());
      var result =
          chain.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(180));
      assertThat(result.operator()).isEqualTo(reassigned.operator());
      assertThat(result.result()).isEqualTo(job.expected());
      var finalized =
          chain.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60));
      assertThat(finalized.paidTo()).isEqualTo(reassigned.operator());
      assertThat(Files.readString(operators.get(reassigned.operator()).log())).contains("from DA");
    }
  }
}
