package dev.trustdial.cli.tee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.devfeed.PriceServer;
import dev.trustdial.tee.job.TeeJobInput;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TEE mode as an operator's job on the devnet, every actor its own process: anvil, DA nodes, the
 * devnet KMS, two operators with their own simulated TEE installs, a watchtower. The developer
 * creates the price agent app (the shaded single-JAR artifact) and submits a job that sees six
 * prices; the assigned operator launches it, checkpoints the app's sealed state to DA with each
 * heartbeat, and is SIGKILLed after two; the watchtower reports it, the successor gets the same
 * keys from the KMS, restores the sealed state from DA, fetches the remaining prices and posts the
 * signed answer: same app wallet, six prices seen in all, and the bundle verifies.
 */
class PriceAgentJobIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path dir;
  static Devnet devnet;
  static PriceServer prices;

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("price-agent-job-it");
    devnet =
        Devnet.start(
            dir.resolve("devnet"),
            dev.trustdial.chain.anvil.Anvil.DEFAULT_BLOCK_TIME_SECONDS,
            new Devnet.Size(2, 2, 1),
            s -> System.out.println("[devnet] " + s));
    prices = PriceServer.start();
  }

  @AfterAll
  static void down() {
    if (devnet != null) {
      devnet.close();
    }
    if (prices != null) {
      prices.close();
    }
  }

  static Path jar() {
    Path jar = dev.trustdial.cli.ProjectFiles.priceAgentJar();
    assertThat(jar).as("mvn package builds the single-JAR artifact").exists();
    return jar;
  }

  static Path config(String kmsPublicKey) throws Exception {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("command")
        .add("{java}")
        .add("-Xmx128m")
        .add("-XX:TieredStopAtLevel=1")
        .add("-jar")
        .add("{artifact}");
    n.putObject("env").put("PRICE_URL", prices.url("/price"));
    n.putObject("fetch")
        .put("extraRootsPem", prices.rootPem())
        .put("maxResponseBytes", 4096)
        .put("maxFetches", 64);
    n.put("timeoutSeconds", 300);
    n.put("kmsPublicKey", kmsPublicKey);
    return Files.writeString(dir.resolve("price-agent-job.json"), n.toPrettyString());
  }

  static JobInfo await(
      Settlement chain, BigInteger jobId, Predicate<JobInfo> until, Duration timeout, String what)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JobInfo j = chain.job(jobId);
      if (until.test(j)) {
        return j;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what + "; job is " + chain.job(jobId));
  }

  static String name(Address a) {
    for (Roster.Member m : Roster.OPERATORS) {
      if (devnet.key(m).address().equals(a)) {
        return m.name();
      }
    }
    throw new AssertionError(a + " is no devnet operator");
  }

  @Test
  void teeJobSurvivesItsOperatorsSigkillWithTheSameWalletAndState() throws Exception {
    String devnetDir = dir.resolve("devnet").toString();
    String kmsPub =
        CliRun.ok("kms", "public-key", "--dir", devnet.kmsDir().toString()).out().trim();
    Path cfg = config(kmsPub);
    Path policy = dir.resolve("policy.bin");
    CliRun.ok(
        "tee",
        "policy",
        "--app-id",
        "1",
        "--artifact",
        jar().toString(),
        "--config",
        cfg.toString(),
        "--out",
        policy.toString());
    assertThat(
            CliRun.ok(
                    "tee",
                    "create-app",
                    "--devnet",
                    devnetDir,
                    "--artifact",
                    jar().toString(),
                    "--policy",
                    policy.toString())
                .out())
        .startsWith("app 1");
    // Results of app 1 must be signed by its wallet (the KMS derives it; only attested launches
    // hold it).
    String wallet = walletFromKms();
    assertThat(
            CliRun.ok(
                    "tee",
                    "set-signer",
                    "1",
                    "--devnet",
                    devnetDir,
                    "--kms",
                    devnet.kmsUrl().toString())
                .out())
        .contains("app 1 results must now be signed by " + wallet);

    // Refused before anything reaches DA or the chain: an artifact that is not the app's.
    Path other = Files.writeString(dir.resolve("other.jar"), "not the app");
    CliRun wrong =
        CliRun.of(
            "tee",
            "submit-job",
            "--devnet",
            devnetDir,
            "--app-id",
            "1",
            "--artifact",
            other.toString(),
            "--config",
            cfg.toString());
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("not app 1's programDigest");
    // ... and a launch configuration the app's policy was not made from (another measurement).
    Path otherCfg =
        Files.writeString(
            dir.resolve("other-config.json"),
            Files.readString(cfg).replace("\"env\" : {", "\"env\" : {\"X\": \"1\", "));
    assertThat(Files.readString(otherCfg)).isNotEqualTo(Files.readString(cfg));
    CliRun unmeasured =
        CliRun.of(
            "tee",
            "submit-job",
            "--devnet",
            devnetDir,
            "--app-id",
            "1",
            "--artifact",
            jar().toString(),
            "--config",
            otherCfg.toString());
    assertThat(unmeasured.exitCode()).as(unmeasured.out() + unmeasured.err()).isEqualTo(2);
    assertThat(unmeasured.err()).contains("policy does not allow");

    Path input =
        Files.writeString(dir.resolve("job.json"), "{\"fetches\": 6, \"intervalMs\": 1200}");
    // 2 MiB parts: the fat JAR (≈ 12 MB with the TEE runtime's HTTP stack) goes to DA as several
    // parts and a part list
    // (docs/spec/job-input.md).
    CliRun submitted =
        CliRun.ok(
            "tee",
            "submit-job",
            "--devnet",
            devnetDir,
            "--app-id",
            "1",
            "--artifact",
            jar().toString(),
            "--config",
            cfg.toString(),
            "--input",
            input.toString(),
            "--part-bytes",
            "2097152");
    Matcher parts = Pattern.compile("a part list of (\\d+) parts").matcher(submitted.out());
    assertThat(parts.find()).as(submitted.out()).isTrue();
    assertThat(Integer.parseInt(parts.group(1))).isGreaterThan(1);
    Matcher artifactKey = Pattern.compile("parts, (0x[0-9a-f]{64})").matcher(submitted.out());
    assertThat(artifactKey.find()).isTrue();
    Matcher m =
        Pattern.compile("job (\\d+) assigned to (0x[0-9a-fA-F]{40})").matcher(submitted.out());
    assertThat(m.find()).as(submitted.out()).isTrue();
    BigInteger jobId = new BigInteger(m.group(1));

    try (Settlement chain = devnet.connect(Roster.DEPLOYER)) {
      JobInfo running =
          await(
              chain,
              jobId,
              j -> j.lastStep() >= 2,
              Duration.ofSeconds(180),
              "two sealed-state checkpoints");
      String first = name(running.assignee());
      // The checkpoint onchain is the app's sealed state on DA: its hash is the heartbeat's state
      // hash.
      DaClient da =
          DaClient.onChain(
              ChainConfig.read(dir.resolve("devnet").resolve(DevnetDescriptor.FILE)),
              devnet.key(Roster.DEVELOPER),
              Devnet.DA_THRESHOLD_BPS,
              Duration.ofDays(1));
      assertThat(Hashes.keccak256(da.get(running.lastCheckpointBlobKey())))
          .isEqualTo(running.lastStateHash());
      devnet.kill(first);
      long stepAtKill = chain.job(jobId).lastStep();
      assertThat(stepAtKill).isBetween(2L, 5L);
      chain.advanceTime(Math.max(1, chain.job(jobId).deadline() - chain.chainTime() + 1));

      JobInfo reassigned =
          await(
              chain,
              jobId,
              j -> j.attempt() == 1 && j.status() == JobStatus.ASSIGNED,
              Duration.ofSeconds(60),
              "the watchtower's report and the reassignment");
      String successor = name(reassigned.assignee());
      assertThat(successor).isNotEqualTo(first);
      JobInfo done =
          await(
              chain,
              jobId,
              j -> j.status() == JobStatus.SUBMITTED,
              Duration.ofSeconds(180),
              "the successor's result");

      // The successor continued the step count from the predecessor's last heartbeat; at most one
      // step per sealed
      // state (a state sealed while the previous checkpoint was being posted is skipped for the
      // newer one).
      assertThat(done.result().orElseThrow().stepCount()).isBetween(stepAtKill + 1, 6L);
      assertThat(done.resultOperator()).isEqualTo(reassigned.assignee());
      byte[] output = da.get(done.outputBlobKey());
      assertThat(Hashes.keccak256(output)).isEqualTo(done.result().orElseThrow().outputHash());
      assertThat(done.result().orElseThrow().finalStateHash()).isNotEqualTo(Bytes32.ZERO);
      SignedAnswer answer = SignedAnswer.fromJson(output);
      assertThat(answer.answer()).contains("6 prices seen by app 1");
      // The successor fetched only what the restored state had not seen (at least one, at most 6 -
      // step at the kill).
      Matcher fetched = Pattern.compile("over (\\d+) fetches").matcher(answer.answer());
      assertThat(fetched.find()).as(answer.answer()).isTrue();
      assertThat(Long.parseLong(fetched.group(1))).isBetween(1L, 6 - stepAtKill);
      assertThat(answer.wallet().toString()).isEqualTo(wallet);
      // The operator logs its submission once the transaction's receipt is back, which can be
      // after the chain already shows the result: give it a few seconds.
      assertThat(awaitLog(devnet.log(successor), "(signed by the app wallet, checked onchain)"))
          .contains("restoring the TEE app's sealed state of step " + stepAtKill);

      Path bundle = Files.write(dir.resolve("answer.json"), output);
      CliRun verified =
          CliRun.ok(
              "tee",
              "verify-answer",
              "--bundle",
              bundle.toString(),
              "--simulation-root",
              dir.resolve("devnet").resolve(successor).resolve("tee/sim-root.pem").toString(),
              "--policy",
              policy.toString(),
              "--wallet",
              wallet);
      assertThat(verified.out()).contains("VALID", "signature by the app wallet");
      // The KMS released the same keys twice (first operator, successor) and refused nothing.
      assertThat(CliRun.ok("kms", "audit", "--dir", devnet.kmsDir().toString()).out())
          .contains("intact: 2 entries");

      // A TEE result is not re-executed or challenged; the watchtower finalizes it after the
      // window.
      chain.advanceTime(chain.params().challengeWindowSeconds() + 1);
      await(
          chain,
          jobId,
          j -> j.status() == JobStatus.FINALIZED,
          Duration.ofSeconds(60),
          "finalization");
      // The watchtower logs its check within a poll of the result: give it a few polls.
      awaitLog(
          devnet.log("watchtower-1"),
          "attested by the app, not re-executable: TEE answer verifies (simulated: true");

      // A TEE app without a signer takes no job (settlement v2): nothing could check an unsigned
      // TEE result.
      devnet.startNode(first);
      Path policy2 = dir.resolve("policy-2.bin");
      CliRun.ok(
          "tee",
          "policy",
          "--app-id",
          "2",
          "--artifact",
          jar().toString(),
          "--config",
          cfg.toString(),
          "--out",
          policy2.toString());
      assertThat(
              CliRun.ok(
                      "tee",
                      "create-app",
                      "--devnet",
                      devnetDir,
                      "--artifact",
                      jar().toString(),
                      "--policy",
                      policy2.toString())
                  .out())
          .startsWith("app 2");
      // A job whose launch configuration the policy does not allow, submitted around the CLI's
      // check.
      TeeJobInput bad =
          new TeeJobInput(Files.readAllBytes(otherCfg), List.of(), Files.readAllBytes(input));
      JobEnvelope envelope =
          new JobEnvelope(Bytes32.fromHex(artifactKey.group(1)), 1, bad.encode());
      Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
      BigInteger fee = chain.params().minFee();
      try (Settlement developer = devnet.connect(Roster.DEVELOPER)) {
        assertThatThrownBy(() ->
                developer.submitJob(BigInteger.TWO, envelopeKey, envelope.digest(), 1024, fee))
            .hasMessageContaining("NoTeeSigner");
      }

      // For app 1, whose results must carry its wallet's signature, the operator's launch is
      // refused for the job
      // itself (any operator's would be): no result can exist, so each TEE operator declines it (no
      // slash) and the
      // job fails with the fee refunded.
      BigInteger stakeBefore =
          chain
              .operator(devnet.key(Roster.OPERATORS.get(0)).address())
              .stake()
              .add(chain.operator(devnet.key(Roster.OPERATORS.get(1)).address()).stake());
      BigInteger signedJob;
      try (Settlement developer = devnet.connect(Roster.DEVELOPER)) {
        signedJob =
            developer.submitJob(BigInteger.ONE, envelopeKey, envelope.digest(), 1024, fee).id();
      }
      JobInfo declined =
          await(
              chain,
              signedJob,
              j -> j.status() == JobStatus.FAILED,
              Duration.ofSeconds(120),
              "two declines");
      assertThat(declined.attempt()).isEqualTo(2);
      assertThat(
              chain
                  .operator(devnet.key(Roster.OPERATORS.get(0)).address())
                  .stake()
                  .add(chain.operator(devnet.key(Roster.OPERATORS.get(1)).address()).stake()))
          .isEqualTo(stakeBefore);
    }
  }

  static String walletFromKms() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(devnet.kmsUrl() + "/v1/apps/1/wallet")).build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("wallet").asText();
  }

  /**
   * Waits up to 30 s for a node's log to contain {@code expected} (a node logs an action after its
   * effect is visible onchain) and returns the log; fails with the log's text otherwise.
   */
  private static String awaitLog(Path log, String expected) throws Exception {
    for (int i = 0; i < 30 && !Files.readString(log).contains(expected); i++) {
      Thread.sleep(1_000);
    }
    String text = Files.readString(log);
    assertThat(text).contains(expected);
    return text;
  }
}
