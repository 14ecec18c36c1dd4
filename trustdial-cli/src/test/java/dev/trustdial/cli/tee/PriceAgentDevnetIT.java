package dev.trustdial.cli.tee;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.Main;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.devfeed.PriceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TEE mode end to end on the devnet, every part a real process: anvil, the KMS reading policies
 * from AppRegistry, the dev runtime ({@code trustdial tee run}) launching this module's built
 * artifact. Create the app with a policy onchain, launch, attest, get keys, fetch, verify the
 * answer; upgrade the app to a new allowed measurement and show the same wallet and the old
 * measurement refused; a successor operator (another simulated TEE install) gets the same keys and
 * opens the state sealed by the previous launch.
 */
class PriceAgentDevnetIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path dir;
  static Path devnet;
  static Process kms;
  static Anvil anvil;
  static String kmsUrl;

  /** The KMS's X25519 key, pinned in the launch configuration (so measured with it). */
  static String kmsPublicKey;

  static PriceServer prices;

  static List<String> javaMain(String... args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs {@code trustdial ARGS} as its own process (the runtime is a real process) and returns its
   * exit code and output.
   */
  static CliRun process(String name, String... args) throws Exception {
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(javaMain(args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in 180 s; see " + log);
    }
    return new CliRun(p.exitValue(), Files.readString(log), "");
  }

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("price-agent-it");
    devnet = dir.resolve("devnet");
    startChain();
    CliRun.ok("attest", "sim-init", "--dir", dir.resolve("operator-1-tee").toString());
    CliRun.ok("attest", "sim-init", "--dir", dir.resolve("operator-2-tee").toString());
    CliRun.ok("kms", "init", "--dir", dir.resolve("kms").toString());
    Path log = dir.resolve("kms.log");
    kms =
        new ProcessBuilder(
                javaMain(
                    "kms",
                    "serve",
                    "--dir",
                    dir.resolve("kms").toString(),
                    "--devnet",
                    devnet.toString(),
                    "--simulation-root",
                    dir.resolve("operator-1-tee/sim-root.pem").toString(),
                    "--simulation-root",
                    dir.resolve("operator-2-tee/sim-root.pem").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Pattern listening = Pattern.compile("listening (\\d+) public-key (0x[0-9a-f]{64})");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Matcher m = listening.matcher("");
    boolean ready = false;
    while (!ready && System.nanoTime() < deadline) {
      m = listening.matcher(Files.readString(log));
      ready = m.find();
      if (!ready) {
        assertThat(kms.isAlive()).as(Files.readString(log)).isTrue();
        Thread.sleep(100);
      }
    }
    assertThat(ready).as("KMS did not start: " + Files.readString(log)).isTrue();
    kmsUrl = "http://127.0.0.1:" + m.group(1);
    kmsPublicKey = m.group(2);
    prices = PriceServer.start();
  }

  /**
   * Anvil with the settlement contracts (no DA nodes or operators: TEE mode needs only
   * AppRegistry), described in devnet.json.
   */
  static void startChain() throws Exception {
    anvil =
        Anvil.start(
            new Anvil.Options(
                0,
                Anvil.DEFAULT_BLOCK_TIME_SECONDS,
                6,
                Anvil.DEVNET_CHAIN_ID,
                dir.resolve("anvil.log")));
    List<Secp256k1Key> keys = anvil.devKeys();
    SettlementDeployer.Result r =
        SettlementDeployer.deploy(
            anvil.rpcUrl(),
            keys.get(0),
            SettlementDeployer.Config.devnet()
                .withApps(SettlementDeployer.AppCreation.allowlist(keys.get(5).address())),
            s -> {});
    Map<String, String> contracts = new TreeMap<>();
    r.deployment().byName().forEach((k, v) -> contracts.put(k, v.toString()));
    new DevnetDescriptor(
            anvil.rpcUrl(),
            anvil.chainId(),
            contracts,
            List.of(
                new DevnetDescriptor.Account(
                    "deployer",
                    keys.get(0).address().toString(),
                    keys.get(0).privateKeyHex(),
                    "owns the contracts"),
                new DevnetDescriptor.Account(
                    "developer",
                    keys.get(5).address().toString(),
                    keys.get(5).privateKeyHex(),
                    "creates the TEE app")),
            List.of(
                DevnetDescriptor.ProcessEntry.of("anvil", anvil.pid(), dir.resolve("anvil.log"))),
            Instant.now().toString())
        .write(devnet);
  }

  @AfterAll
  static void down() {
    if (kms != null) {
      kms.destroy();
      try {
        kms.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (prices != null) {
      prices.close();
    }
    if (anvil != null) {
      anvil.close();
    }
    if (System.getenv("TRUSTDIAL_KEEP_IT") == null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // A leftover temp directory is harmless.
      }
    }
  }

  static Path config() throws Exception {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("command").add("{java}").add("-Xmx128m").add("-jar").add("price-agent.jar");
    n.putObject("env").put("PRICE_URL", prices.url("/price")).put("FETCHES", "2");
    n.putObject("fetch")
        .put("extraRootsPem", prices.rootPem())
        .put("maxResponseBytes", 4096)
        .put("maxFetches", 4);
    n.put("timeoutSeconds", 120);
    n.put("kmsPublicKey", kmsPublicKey);
    return Files.writeString(dir.resolve("price-agent.json"), n.toPrettyString());
  }

  static Path artifactV1() {
    Path a = dev.trustdial.cli.ProjectFiles.priceAgentDirectory();
    assertThat(a.resolve("price-agent.jar")).as("mvn package builds the artifact").exists();
    return a;
  }

  /** Release 2: the same code with a release note, so another artifact digest and measurement. */
  static Path artifactV2() throws Exception {
    Path v2 = dir.resolve("price-agent-v2");
    try (Stream<Path> files = Files.walk(artifactV1())) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = v2.resolve(artifactV1().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Files.writeString(v2.resolve("RELEASE"), "2: averages over more fetches\n");
    return v2;
  }

  static String walletFromKms(String appId) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(kmsUrl + "/v1/apps/" + appId + "/wallet"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("wallet").asText();
  }

  static CliRun launch(String name, String tee, Path artifact, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tee",
                "run",
                "--install",
                dir.resolve(tee).toString(),
                "--app-id",
                "1",
                "--artifact",
                artifact.toString(),
                "--config",
                config().toString(),
                "--work",
                dir.resolve(name).toString(),
                "--kms",
                kmsUrl,
                "--secrets",
                dir.resolve("secrets.json").toString()));
    args.addAll(List.of(more));
    return process(name, args.toArray(String[]::new));
  }

  static SignedAnswer answer(String launch) throws Exception {
    return SignedAnswer.fromJson(
        Files.readAllBytes(dir.resolve(launch).resolve("out/answer.json")));
  }

  @Test
  void createLaunchAttestFetchVerifyUpgradeAndTakeOver() throws Exception {
    Path v1 = artifactV1();
    Path policy1 = dir.resolve("policy-v1.bin");
    CliRun.ok(
        "tee",
        "policy",
        "--app-id",
        "1",
        "--artifact",
        v1.toString(),
        "--config",
        config().toString(),
        "--out",
        policy1.toString());
    CliRun created =
        CliRun.ok(
            "tee",
            "create-app",
            "--devnet",
            devnet.toString(),
            "--as",
            "developer",
            "--artifact",
            v1.toString(),
            "--policy",
            policy1.toString());
    assertThat(created.out()).startsWith("app 1");
    String pub =
        CliRun.ok("kms", "public-key", "--dir", dir.resolve("kms").toString()).out().trim();
    assertThat(pub).isEqualTo(kmsPublicKey);
    Files.writeString(dir.resolve("api-key.txt"), "demo-api-key");
    CliRun.ok(
        "kms",
        "seal-secret",
        "--kms-public-key",
        pub,
        "--app-id",
        "1",
        "--name",
        "API_KEY",
        "--value-file",
        dir.resolve("api-key.txt").toString(),
        "--secrets",
        dir.resolve("secrets.json").toString());

    // Launch 1: operator-1's TEE, version 1.
    CliRun first = launch("launch-1", "operator-1-tee", v1, "--devnet", devnet.toString());
    assertThat(first.exitCode()).as(first.out()).isZero();
    String wallet = walletFromKms("1");
    assertThat(first.out()).contains("app wallet " + wallet, "simulated: true", "2 prices seen");
    assertThat(prices.requests()).isGreaterThanOrEqualTo(2);
    Path out1 = dir.resolve("launch-1/out");
    String root1 = dir.resolve("operator-1-tee/sim-root.pem").toString();
    CliRun verified =
        CliRun.ok(
            "tee",
            "verify-answer",
            "--bundle",
            out1.resolve("answer.json").toString(),
            "--simulation-root",
            root1,
            "--policy",
            policy1.toString(),
            "--wallet",
            wallet);
    assertThat(verified.out())
        .contains(
            "VALID", "report data binds", "signature by the app wallet", "the 2 bodies match");
    CliRun attest =
        CliRun.ok(
            "attest",
            "verify",
            "--evidence",
            out1.resolve("evidence.bin").toString(),
            "--at",
            "now",
            "--simulation-root",
            root1,
            "--json");
    assertThat(JSON.readTree(attest.out()).path("verdict").path("simulated").asBoolean()).isTrue();
    assertThat(
            CliRun.of(
                    "attest",
                    "verify",
                    "--evidence",
                    out1.resolve("evidence.bin").toString(),
                    "--at",
                    "now")
                .exitCode())
        .isEqualTo(1);
    assertThat(
            CliRun.ok("tee", "transcript", "--file", out1.resolve("transcript.bin").toString())
                .out())
        .contains("entries 2", prices.url("/price"));

    // Upgrade: release 2 is the only allowed measurement now; the app id, and so the wallet, stay.
    Path v2 = artifactV2();
    Path policy2 = dir.resolve("policy-v2.bin");
    CliRun.ok(
        "tee",
        "policy",
        "--app-id",
        "1",
        "--artifact",
        v2.toString(),
        "--config",
        config().toString(),
        "--out",
        policy2.toString());
    assertThat(
            CliRun.ok(
                    "tee",
                    "upgrade-app",
                    "1",
                    "--devnet",
                    devnet.toString(),
                    "--artifact",
                    v2.toString(),
                    "--policy",
                    policy2.toString())
                .out())
        .contains("version 2");
    CliRun stale = launch("launch-old", "operator-1-tee", v1);
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.out()).contains("launch refused", "MeasurementNotAllowed");
    CliRun wrongDigest =
        launch("launch-old-digest", "operator-1-tee", v1, "--devnet", devnet.toString());
    assertThat(wrongDigest.out()).contains("DigestMismatch");

    CliRun second =
        launch(
            "launch-2",
            "operator-1-tee",
            v2,
            "--devnet",
            devnet.toString(),
            "--restore",
            dir.resolve("launch-1/runtime/state.sealed").toString());
    assertThat(second.exitCode()).as(second.out()).isZero();
    assertThat(second.out()).contains("app wallet " + wallet, "4 prices seen", "app version 2");
    assertThat(answer("launch-2").wallet().toString()).isEqualTo(wallet);

    // Takeover: operator-2 (its own simulated TEE install) launches the same release from the
    // sealed state.
    CliRun successor =
        launch(
            "launch-successor",
            "operator-2-tee",
            v2,
            "--devnet",
            devnet.toString(),
            "--restore",
            dir.resolve("launch-2/runtime/state.sealed").toString());
    assertThat(successor.exitCode()).as(successor.out()).isZero();
    assertThat(successor.out()).contains("app wallet " + wallet, "6 prices seen");
    CliRun.ok(
        "tee",
        "verify-answer",
        "--bundle",
        dir.resolve("launch-successor/out/answer.json").toString(),
        "--simulation-root",
        dir.resolve("operator-2-tee/sim-root.pem").toString(),
        "--policy",
        policy2.toString(),
        "--wallet",
        wallet);

    // The KMS audited every answer: three releases and one refusal, chain intact.
    assertThat(CliRun.ok("kms", "audit", "--dir", dir.resolve("kms").toString()).out())
        .contains("intact: 4 entries");
    List<JsonNode> audit = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("kms/audit.jsonl"))) {
      audit.add(JSON.readTree(line));
    }
    assertThat(audit)
        .extracting(e -> e.path("outcome").asText() + " " + e.path("reason").asText(""))
        .containsExactly("released ", "refused MeasurementNotAllowed", "released ", "released ");
    assertThat(audit)
        .filteredOn(e -> e.path("outcome").asText().equals("released"))
        .extracting(e -> e.path("wallet").asText())
        .containsOnly(wallet);
  }
}
