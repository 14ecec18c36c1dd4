package dev.trustdial.cli.zk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.zk.ProveResult;
import dev.trustdial.zk.Snarkjs;
import dev.trustdial.zk.ZkProver;
import dev.trustdial.zk.ZkWords;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * ZK mode end to end on the devnet, every part real: the recommender circuit of zk/circuits built
 * with the dev ceremony, its snarkjs verifier deployed on anvil, operators and a watchtower as
 * their own processes, DA nodes. A malformed artifact is refused before the app exists; a job's
 * first prover is SIGKILLed mid-proof and slashed, the next one lies about the output and its
 * submission is refused onchain by the real verifier (then it is slashed for the deadline it cannot
 * meet), and the third proves and finalizes the job in one transaction with the output the
 * circuit's vector gives.
 */
class ZkDevnetIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path dir;
  static Path build;
  static Path devnetDir;
  static Devnet devnet;
  static List<JsonNode> vectors;

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("zk/circuits/recommender.circom"))) {
      p = p.getParent();
    }
    assertThat(p)
        .as("zk/circuits/recommender.circom above " + Path.of("").toAbsolutePath())
        .isNotNull();
    return p;
  }

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("zk-devnet-it");
    Path repo = repoRoot();
    build = dir.resolve("recommender");
    CliRun.ok(
        "zk",
        "build",
        repo.resolve("zk/circuits/recommender.circom").toString(),
        "--out",
        build.toString(),
        "--dev-ptau");
    JsonNode v = JSON.readTree(repo.resolve("zk/circuits/vectors/recommender.json").toFile());
    vectors = new ArrayList<>();
    (v.isArray() ? v : v.path("vectors")).forEach(vectors::add);
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(2);
    for (int i = 0; i < vectors.size(); i++) {
      Files.writeString(
          dir.resolve("in-" + i + ".json"),
          JSON.writeValueAsString(JSON.createObjectNode().set("in", vectors.get(i).get("in"))));
    }
    devnetDir = dir.resolve("devnet");
    devnet = Devnet.start(devnetDir, 1, new Devnet.Size(2, 0, 1), s -> {});
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

  static String[] withDevnet(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--dir", devnetDir.toString(), "--as", "developer"));
    return a.toArray(String[]::new);
  }

  static Path copyBuild(String name) throws Exception {
    Path copy = dir.resolve(name);
    Files.createDirectories(copy);
    for (String f : List.of("circuit.tdzk", "verifier.bin")) {
      Files.copy(build.resolve(f), copy.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    return copy;
  }

  @Test
  void aMalformedArtifactIsRefusedBeforeTheAppExists() throws Exception {
    try (Settlement s = devnet.connect(Roster.DEVELOPER)) {
      BigInteger apps = s.appCount();

      Path badMagic = copyBuild("bad-magic");
      byte[] a = Files.readAllBytes(badMagic.resolve("circuit.tdzk"));
      a[0] ^= 1;
      Files.write(badMagic.resolve("circuit.tdzk"), a);
      CliRun r =
          CliRun.of(
              withDevnet(
                  "zk",
                  "create-app",
                  "--artifact",
                  badMagic.toString(),
                  "--sample-input",
                  dir.resolve("in-1.json").toString()));
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("malformed");

      Path truncated = copyBuild("truncated");
      Files.write(truncated.resolve("circuit.tdzk"), java.util.Arrays.copyOf(a, a.length / 2));
      r =
          CliRun.of(
              withDevnet(
                  "zk",
                  "create-app",
                  "--artifact",
                  truncated.toString(),
                  "--sample-input",
                  dir.resolve("in-1.json").toString()));
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);

      // An operator adds a phase-2 contribution: a new proving key, so a new verifier, and both
      // contributors on record.
      // Paired with the first build's proving key that verifier must refuse its proofs, and the app
      // must not be created.
      Path other = dir.resolve("other-setup");
      CliRun contributed =
          CliRun.ok(
              "zk",
              "contribute",
              "--artifact",
              build.toString(),
              "--name",
              "operator-1",
              "--out",
              other.toString());
      assertThat(contributed.out())
          .contains("phase 2 contribution by developer", "phase 2 contribution by operator-1");
      assertThat(
              CliRun.of(
                      "zk",
                      "contribute",
                      "--artifact",
                      build.toString(),
                      "--name",
                      "x",
                      "--out",
                      build.toString())
                  .exitCode())
          .isEqualTo(ExitCodes.BAD_INPUT);
      Path mixed = copyBuild("mixed");
      Files.copy(
          other.resolve("verifier.bin"),
          mixed.resolve("verifier.bin"),
          StandardCopyOption.REPLACE_EXISTING);
      r =
          CliRun.of(
              withDevnet(
                  "zk",
                  "create-app",
                  "--artifact",
                  mixed.toString(),
                  "--sample-input",
                  dir.resolve("in-1.json").toString()));
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("refuses a proof");

      assertThat(s.appCount()).as("no app was created by a refused artifact").isEqualTo(apps);
    }
  }

  @Test
  void aJobSurvivesAKilledProverAndALiarAndIsFinalByItsProof() throws Exception {
    CliRun created =
        CliRun.ok(
            withDevnet(
                "zk",
                "create-app",
                "--artifact",
                build.toString(),
                "--sample-input",
                dir.resolve("in-1.json").toString()));
    Matcher m = Pattern.compile("app (\\d+) \\(ZK\\)").matcher(created.out());
    assertThat(m.find()).as(created.out()).isTrue();
    BigInteger appId = new BigInteger(m.group(1));
    assertThat(created.out()).contains("DEV CEREMONY", "accepts the sample proof");

    try (Settlement s = devnet.connect(Roster.DEVELOPER)) {
      Address op1 = devnet.key(Roster.OPERATORS.get(0)).address();
      Address op2 = devnet.key(Roster.OPERATORS.get(1)).address();
      Address op3 = devnet.key(Roster.OPERATORS.get(2)).address();
      devnet.startNode("operator-1", "--stall-proving");
      CliRun submitted =
          CliRun.ok(
              withDevnet(
                  "zk",
                  "submit-job",
                  "--app",
                  appId.toString(),
                  "--artifact",
                  build.toString(),
                  "--input",
                  dir.resolve("in-0.json").toString()));
      Matcher j = Pattern.compile("job (\\d+) queued").matcher(submitted.out());
      assertThat(j.find()).as(submitted.out()).isTrue();
      BigInteger jobId = new BigInteger(j.group(1));

      // 1. The only operator takes it and stalls "proving"; a liar joins meanwhile; the staller is
      // SIGKILLed.
      await(
          s,
          jobId,
          job -> job.status() == JobStatus.ASSIGNED && job.assignee().equals(op1),
          "assigned to operator-1");
      awaitLog("operator-1", "STALLING");
      devnet.startNode("operator-2", "--lie");
      devnet.kill("operator-1");

      // 2. The watchtower reports the missed deadline: operator-1 is slashed, the liar gets the
      // job, and
      //    the real verifier refuses its wrong output onchain. An honest operator joins meanwhile.
      await(
          s,
          jobId,
          job -> job.status() == JobStatus.ASSIGNED && job.assignee().equals(op2),
          "assigned to the liar");
      awaitLog("operator-2", "ResultRefused");
      assertThat(s.job(jobId).status()).isEqualTo(JobStatus.ASSIGNED);
      devnet.startNode("operator-3");

      // 3. The liar cannot meet its deadline either; the honest one proves and the job is final at
      // once.
      JobInfo done =
          await(
              s,
              jobId,
              job -> job.status() == JobStatus.FINALIZED || job.status() == JobStatus.FAILED,
              "finalized");
      assertThat(done.status()).isEqualTo(JobStatus.FINALIZED);
      assertThat(done.resultOperator()).isEqualTo(op3);
      assertThat(done.attempt()).isEqualTo(2);

      List<BigInteger> expected = new ArrayList<>();
      vectors.get(0).get("out").forEach(w -> expected.add(new BigInteger(w.asText())));
      byte[] output =
          dev.trustdial.da.DaClient.onChain(
                  dev.trustdial.da.chain.ChainConfig.read(
                      devnetDir.resolve(dev.trustdial.cli.devnet.DevnetDescriptor.FILE)),
                  devnet.key(Roster.DEVELOPER),
                  Devnet.DA_THRESHOLD_BPS,
                  Duration.ofDays(7))
              .get(done.outputBlobKey());
      assertThat(ZkWords.decode(output)).isEqualTo(expected);
      assertThat(done.result().orElseThrow().outputHash())
          .isEqualTo(dev.trustdial.core.hash.Hashes.keccak256(output));

      List<SettlementEvent> events = s.events().read(0, s.blockNumber());
      List<Address> missed =
          events.stream()
              .filter(
                  e -> e instanceof SettlementEvent.HeartbeatMissed h && h.jobId().equals(jobId))
              .map(e -> ((SettlementEvent.HeartbeatMissed) e).operator())
              .toList();
      assertThat(missed).containsExactly(op1, op2);
      assertThat(
              events.stream()
                  .filter(e ->
                      e instanceof SettlementEvent.HeartbeatMissed h && h.jobId().equals(jobId))
                  .map(e -> ((SettlementEvent.HeartbeatMissed) e).slashed()))
          .allMatch(x -> x.signum() > 0);
      // Result and finalization in one transaction: there is no window and nothing to challenge.
      long resultBlocks =
          events.stream()
              .filter(
                  e -> e instanceof SettlementEvent.ResultSubmitted r && r.jobId().equals(jobId))
              .count();
      assertThat(resultBlocks).isEqualTo(1);
      awaitLog("watchtower-1", "finalized by its proof");

      // The real verifier accepts the job's statement and refuses the same proof for another input.
      Address verifier = s.appConfigOf(appId).orElseThrow();
      List<BigInteger> in1 = ZkApps.readInput(dir.resolve("in-0.json"));
      List<BigInteger> in2 = ZkApps.readInput(dir.resolve("in-1.json"));
      ZkApps.BuildDir b = ZkApps.BuildDir.read(build);
      ProveResult proof =
          new ZkProver(Snarkjs.locate(), dir.resolve("prover")).prove(b.artifact(), in1);
      List<BigInteger> statement = new ArrayList<>(proof.output());
      statement.addAll(in1);
      List<BigInteger> otherStatement = new ArrayList<>(proof.output());
      otherStatement.addAll(in2);
      assertThat(
              new BigInteger(
                  1, s.staticCall(verifier, ZkApps.verifyCalldata(proof.proof(), statement))))
          .isEqualTo(BigInteger.ONE);
      assertThat(
              new BigInteger(
                  1, s.staticCall(verifier, ZkApps.verifyCalldata(proof.proof(), otherStatement))))
          .isEqualTo(BigInteger.ZERO);
    }
  }

  static JobInfo await(Settlement s, BigInteger jobId, Predicate<JobInfo> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    JobInfo job = s.job(jobId);
    while (!done.test(job)) {
      assertThat(System.nanoTime())
          .as("job " + jobId + " " + what + " within 150 s; it is " + job)
          .isLessThan(deadline);
      Thread.sleep(250);
      job = s.job(jobId);
    }
    return job;
  }

  static void awaitLog(String node, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.readString(devnet.log(node)).contains(text)) {
      assertThat(System.nanoTime())
          .as(node + " logs '" + text + "' within 120 s:\n" + Files.readString(devnet.log(node)))
          .isLessThan(deadline);
      Thread.sleep(250);
    }
  }
}
