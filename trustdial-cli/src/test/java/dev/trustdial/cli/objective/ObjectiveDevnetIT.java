package dev.trustdial.cli.objective;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Verdict;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * REEXEC_OBJECTIVE end to end on the devnet, every part its own process: anvil with the real
 * contracts (mode 2 enabled by the deployment), a DA node, a watchtower, and operators started with
 * NodeMain. The app is the sha256chain guest under stride 2^8 ({@code chain create-app}); a job of
 * maxSteps 8,192 (H = 5; the guest halts at step 6,345) goes to the InputOracle and DA ({@code
 * chain submit-job}). Its only operator claims a trace that lies from step {@value #LIE_AT} on
 * ({@code --lie-at-step}); the watchtower re-executes, challenges and wins the match alone, at
 * exactly that step, executed onchain by RiscvStep; the liar is slashed, the job queued again and
 * completed by an honest operator, and finalized once its window passes. Mid-match the watchtower
 * is killed (SIGKILL) and started again on its data dir: it re-attaches the match from its match
 * journal, rebuilding its trace from the job, and still wins.
 */
class ObjectiveDevnetIT {
  static final int S_LOG2 = 8;
  static final long MAX_STEPS = 8192;
  static final long LIE_AT = 3001;
  static final Path SHA256CHAIN =
      Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");

  static Path dir;
  static Path devnetDir;
  static Devnet devnet;

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("objective-devnet-it");
    devnetDir = dir.resolve("devnet");
    devnet = Devnet.start(devnetDir, 1, new Devnet.Size(1, 0, 1), s -> {});
  }

  @AfterAll
  static void down() throws Exception {
    if (devnet != null) {
      devnet.close();
    }
    if (System.getenv("TRUSTDIAL_KEEP_IT") == null && dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String[] chain(String... args) {
    List<String> a = new ArrayList<>(List.of("chain"));
    a.addAll(List.of(args));
    a.addAll(List.of("--dir", devnetDir.toString(), "--as", "developer"));
    return a.toArray(String[]::new);
  }

  static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex + " in\n" + text).isTrue();
    return m.group(1);
  }

  @Test
  void aLiarIsRefutedAtItsLyingStepByTheWatchtowerAloneAndTheJobIsCompletedHonestly()
      throws Exception {
    byte[] elf = Files.readAllBytes(SHA256CHAIN);
    byte[] input = sha256chainInput(1, 40);
    Path inputFile = Files.write(dir.resolve("input.bin"), input);
    TraceRun honestRun =
        TraceRun.honest(elf, input, VmConfig.defaults(), new TraceShape(MAX_STEPS, S_LOG2));
    StrideTrace honest = honestRun.strideTrace();
    StrideTrace lie = honestRun.lying(new TraceLie(LIE_AT)).strideTrace();
    assertThat(honest.strideHeight()).isEqualTo(5);

    CliRun created =
        CliRun.ok(
            chain(
                "create-app",
                "--mode",
                "REEXEC_OBJECTIVE",
                "--program",
                SHA256CHAIN.toString(),
                "--stride-log2",
                Integer.toString(S_LOG2)));
    BigInteger appId = new BigInteger(group(created.out(), "app (\\d+) \\(REEXEC_OBJECTIVE\\)"));
    String programKey = group(created.out(), "on DA as blob (0x[0-9a-f]{64})");

    try (Settlement s = devnet.connect(Roster.DEVELOPER)) {
      ObjectiveCourtClient court = ObjectiveCourtClient.of(s);
      Address liar = devnet.key(Roster.OPERATORS.get(0)).address();
      Address honestOp = devnet.key(Roster.OPERATORS.get(1)).address();
      Address watchtower = devnet.key(Roster.node("watchtower-1").orElseThrow()).address();
      devnet.startNode("operator-1", "--lie-at-step", Long.toString(LIE_AT));
      // The watchtower is held (SIGSTOP) until the honest operator is in the active set: the game
      // takes seconds, and
      // a job queued again with nobody eligible fails. The liar is the only operator when the job
      // is first assigned.
      devnet.pause("watchtower-1");

      CliRun submitted =
          CliRun.ok(
              chain(
                  "submit-job",
                  "--app",
                  appId.toString(),
                  "--program-blob",
                  programKey,
                  "--input",
                  inputFile.toString(),
                  "--max-steps",
                  Long.toString(MAX_STEPS),
                  "--no-assign"));
      BigInteger jobId = new BigInteger(group(submitted.out(), "job (\\d+) queued"));

      // 1. The only operator takes it and claims its lying trace; the honest one joins meanwhile.
      await(
          s,
          jobId,
          j -> j.status() == JobStatus.ASSIGNED && j.assignee().equals(liar),
          "assigned to the liar");
      devnet.startNode("operator-2");
      JobInfo claimed = await(s, jobId, j -> j.result().isPresent(), "the liar's result");
      long activeBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!s.operators().contains(honestOp)) {
        assertThat(System.nanoTime()).as("operator-2 active within 30 s").isLessThan(activeBy);
        Thread.sleep(250);
      }
      Thread.sleep(
          3000); // past the activation delay (2 blocks of 1 s), so a re-queue's stake snapshot
      // holds operator-2
      assertThat(s.job(jobId).status())
          .as("still in its challenge window")
          .isEqualTo(JobStatus.SUBMITTED);
      devnet.resume("watchtower-1");
      long lieSeen = System.nanoTime();
      assertThat(
              s.events().read(0, s.blockNumber()).stream()
                  .filter(e ->
                      e instanceof SettlementEvent.ResultSubmitted r && r.jobId().equals(jobId))
                  .map(e -> ((SettlementEvent.ResultSubmitted) e).result())
                  .findFirst()
                  .orElseThrow()
                  .checkpointRoot())
          .as("the liar's trace root")
          .isEqualTo(lie.root())
          .isNotEqualTo(honest.root());

      // 2. The watchtower challenges with its own trace and plays the match alone down to step
      // LIE_AT - 1 -> LIE_AT.
      //    After its first move the liar is frozen (so the match cannot end meanwhile) and the
      // watchtower is SIGKILLed and
      //    started again: it re-attaches the match from data/matches.json and plays on.
      awaitLog("watchtower-1", ": move 1: START");
      devnet.pause("operator-1");
      devnet.kill("watchtower-1");
      long restartAt = System.nanoTime();
      devnet.startNode("watchtower-1");
      awaitLog("watchtower-1", "re-attaching 1 ObjectiveCourt match(es) from the match journal");
      awaitLog("watchtower-1", ": re-attached (trace rebuilt in");
      long reattachMs = (System.nanoTime() - restartAt) / 1_000_000;
      devnet.resume("operator-1");
      await(
          s,
          jobId,
          j -> j.status() == JobStatus.QUEUED || j.attempt() >= 1,
          "refuted and queued again");
      long refutedAfterMs = (System.nanoTime() - lieSeen) / 1_000_000;
      List<SettlementEvent> events = s.events().read(0, s.blockNumber());
      SettlementEvent.JobChallenged challenge =
          events.stream()
              .filter(e -> e instanceof SettlementEvent.JobChallenged c && c.jobId().equals(jobId))
              .map(e -> (SettlementEvent.JobChallenged) e)
              .findFirst()
              .orElseThrow();
      assertThat(challenge.challenger()).isEqualTo(watchtower);
      BigInteger match = challenge.disputeId();
      ObjectiveMatch m = court.match(match);
      assertThat(m.verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
      assertThat(court.stepNumber(match))
          .as("the disputed step T(N-1) -> T(N), N the liar's first wrong step")
          .isEqualTo(LIE_AT - 1);
      SettlementEvent.DisputeResolved resolved =
          events.stream()
              .filter(e ->
                  e instanceof SettlementEvent.DisputeResolved d && d.disputeId().equals(match))
              .map(e -> (SettlementEvent.DisputeResolved) e)
              .findFirst()
              .orElseThrow();
      assertThat(resolved.verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
      assertThat(
              events.stream()
                  .filter(e ->
                      e instanceof SettlementEvent.Slashed x
                          && x.operator().equals(liar)
                          && x.where().block() == resolved.where().block())
                  .map(e -> ((SettlementEvent.Slashed) e).amount()))
          .as("the liar is slashed by the verdict")
          .isNotEmpty()
          .allMatch(a -> a.signum() > 0);
      assertThat(s.hasFailed(jobId, liar)).isTrue();

      // 3. The honest operator completes it; its result survives the watchtower's check and is
      // finalized after its window.
      JobInfo done =
          await(
              s,
              jobId,
              j -> j.status() == JobStatus.FINALIZED || j.status() == JobStatus.FAILED,
              "finalized");
      assertThat(done.status()).isEqualTo(JobStatus.FINALIZED);
      assertThat(done.resultOperator()).isEqualTo(honestOp);
      assertThat(done.attempt()).isEqualTo(1);
      ResultCommitment result = done.result().orElseThrow();
      assertThat(result.checkpointRoot()).as("the honest trace root").isEqualTo(honest.root());
      assertThat(result.stepCount()).isEqualTo(honest.finalState().step());

      awaitLog("operator-1", "LYING in the trace from step " + LIE_AT);
      awaitLog("watchtower-1", "match " + match + ": over after");
      awaitLog("operator-1", "match " + match + ": over: OPERATOR_REFUTED");
      awaitLog("watchtower-1", "trace root " + honest.root() + " matches");
      String towerLog = Files.readString(devnet.log("watchtower-1"));
      String liarLog = Files.readString(devnet.log("operator-1"));
      long towerMoves =
          Pattern.compile("match " + match + ": move \\d+: ").matcher(towerLog).results().count();
      long liarMoves =
          Pattern.compile("match " + match + ": [A-Z_]+ \\(gas").matcher(liarLog).results().count();
      long gas =
          Stream.concat(
                  Pattern.compile("match " + match + ": move \\d+: [A-Z_]+ \\(gas (\\d+)\\)")
                      .matcher(towerLog)
                      .results(),
                  Pattern.compile("match " + match + ": [A-Z_]+ \\(gas (\\d+)\\)")
                      .matcher(liarLog)
                      .results())
              .mapToLong(r -> Long.parseLong(r.group(1)))
              .sum();
      assertThat(towerLog).contains("PROVE_STEP");
      assertThat(towerMoves + liarMoves).as("moves, both sides").isBetween(5L, 5L + S_LOG2 + 4);
      System.out.printf(
          "%n== ObjectiveDevnetIT (H = 5, s = 8, lie at step %d) ==%nmatch %s: %d moves (watchtower %d, liar %d), %,d gas in "
              + "moves; watchtower resumed -> challenged, refuted, slashed and queued again: %,d ms (with a SIGKILL and restart of the "
              + "watchtower mid-match: %,d ms from its restart to the match re-attached)%n",
          LIE_AT,
          match,
          towerMoves + liarMoves,
          towerMoves,
          liarMoves,
          gas,
          refutedAfterMs,
          reattachMs);
      assertThat(claimed).isNotNull();
    }
  }

  static JobInfo await(Settlement s, BigInteger jobId, Predicate<JobInfo> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    JobInfo job = s.job(jobId);
    while (!done.test(job)) {
      assertThat(job.status())
          .as("job " + jobId + " failed while awaiting: " + what + "\n" + logs())
          .isNotEqualTo(JobStatus.FAILED);
      assertThat(System.nanoTime())
          .as("job " + jobId + " " + what + " within 180 s; it is " + job)
          .isLessThan(deadline);
      Thread.sleep(250);
      job = s.job(jobId);
    }
    return job;
  }

  static String logs() {
    StringBuilder b = new StringBuilder();
    for (String n : List.of("operator-1", "operator-2", "watchtower-1")) {
      try {
        b.append("---- ").append(n).append('\n').append(Files.readString(devnet.log(n)));
      } catch (Exception e) {
        b.append("---- ").append(n).append(": ").append(e).append('\n');
      }
    }
    return b.toString();
  }

  static void awaitLog(String node, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.readString(devnet.log(node)).contains(text)) {
      assertThat(System.nanoTime())
          .as(node + " logs '" + text + "' within 60 s:\n" + Files.readString(devnet.log(node)))
          .isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  /** sha256chain's input: u32 LE iteration count, then {@code bytes} bytes of data. */
  static byte[] sha256chainInput(int iterations, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    for (int i = 0; i < bytes; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }
}
