package dev.trustdial.tee.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.devfeed.PriceServer;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.AppRecord;
import dev.trustdial.tee.kms.AuditLog;
import dev.trustdial.tee.kms.KeyReleaseService;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.kms.KmsServer;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.sim.SimulatedTee;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime end to end inside this module: a real KMS server (in-memory app records), a real
 * HTTPS server, the app as a real child process talking to its agent.
 */
class TeeRuntimeIT {
  static final SecureRandom R = new SecureRandom();
  static final BigInteger APP = BigInteger.valueOf(11);
  static final Map<BigInteger, AppRecord> CHAIN = new HashMap<>();
  static SimulatedTee tee;
  static KmsRoot root;
  static KmsServer server;
  static PriceServer prices;
  @TempDir static Path dir;

  @BeforeAll
  static void up() {
    tee = SimulatedTee.createInstall(R, Instant.now().minusSeconds(60));
    root = new KmsRoot(R.generateSeed(32));
    KeyReleaseService kms =
        new KeyReleaseService(
            root,
            id -> Optional.ofNullable(CHAIN.get(id)),
            new KeyReleaseService.Config(
                TrustAnchors.pinned().withSimulationRoots(List.of(tee.root())),
                true,
                Duration.ofMinutes(5)),
            AuditLog.open(dir.resolve("audit.jsonl")),
            Clock.systemUTC(),
            R);
    server = KmsServer.start(kms, "127.0.0.1", 0);
    prices = PriceServer.start();
  }

  @AfterAll
  static void down() {
    server.close();
    prices.close();
  }

  static Path artifact() throws Exception {
    Path a = dir.resolve("artifact");
    if (!Files.exists(a)) {
      Files.createDirectories(a);
      Files.writeString(
          a.resolve("cp.args"), "-cp \"" + System.getProperty("java.class.path") + "\"\n");
    }
    return a;
  }

  static byte[] config() {
    return config(Optional.of(root.kmsKey().publicKey()));
  }

  static byte[] config(Optional<byte[]> kmsPin) {
    var n = JsonExchange.JSON.createObjectNode();
    n.putArray("command")
        .add("{java}")
        .add("@cp.args")
        .add("dev.trustdial.tee.testing.AgentTestApp");
    n.putObject("env").put("PRICE_URL", prices.url("/price"));
    n.putObject("fetch")
        .put("extraRootsPem", prices.rootPem())
        .put("maxResponseBytes", 65536)
        .put("maxFetches", 8);
    n.put("timeoutSeconds", 120);
    kmsPin.ifPresent(k -> n.put("kmsPublicKey", Hex.encode(k)));
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  static LaunchSpec spec(String name, Optional<byte[]> sealed, List<SealedSecret> secrets)
      throws Exception {
    return spec(name, config(), server, sealed, secrets);
  }

  static LaunchSpec spec(
      String name,
      byte[] config,
      KmsServer kms,
      Optional<byte[]> sealed,
      List<SealedSecret> secrets)
      throws Exception {
    return new LaunchSpec(
        APP,
        artifact(),
        config,
        Optional.of(ArtifactDigest.of(artifact())),
        tee,
        false,
        Optional.of(URI.create("http://127.0.0.1:" + kms.port())),
        secrets,
        sealed,
        dir.resolve(name));
  }

  @Test
  void launchAttestFetchSignSealAndRestore() throws Exception {
    AppMeasurement m = new AppMeasurement(APP, ArtifactDigest.of(artifact()), config());
    CHAIN.put(
        APP,
        new AppRecord(
            APP,
            true,
            ArtifactDigest.of(artifact()),
            new AppPolicy(
                    false, true, true, TcbStatus.UP_TO_DATE, List.of(m.simulatedPolicyEntry()))
                .encode(),
            1));
    SealedSecret secret =
        SealedSecret.seal(
            root.kmsKey().publicKey(), APP, "API_KEY", "k-42".getBytes(StandardCharsets.UTF_8), R);

    RunningApp.Exit first;
    try (RunningApp app =
        TeeRuntime.launch(spec("first", Optional.empty(), List.of(secret)), Clock.systemUTC(), R)) {
      assertThat(app.wallet()).contains(root.wallet(APP).address());
      first = app.await();
    }
    assertThat(first.exitCode())
        .as(Files.readString(first.runtimeDir().resolve("app-stderr.log")))
        .isZero();
    SignedAnswer answer =
        SignedAnswer.fromJson(Files.readAllBytes(first.outDir().resolve("answer.json")));
    assertThat(answer.answer()).contains("\"symbol\":\"TDS\"", "secret=k-42");
    var check =
        answer.verify(
            TrustAnchors.pinned().withSimulationRoots(List.of(tee.root())),
            AttestationPolicy.standard().allowingSimulated(),
            Instant.now(),
            Optional.of(AppPolicy.decode(CHAIN.get(APP).policy().toArray())),
            Optional.of(root.wallet(APP).address()));
    assertThat(check.failure()).isEmpty();
    assertThat(check.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.url()).isEqualTo(prices.url("/price")));
    assertThat(check.verdict().orElseThrow().simulated()).isTrue();
    // Without the explicit opt-in the same bundle is refused.
    assertThat(
            answer
                .verify(
                    TrustAnchors.pinned(),
                    AttestationPolicy.standard(),
                    Instant.now(),
                    Optional.empty(),
                    Optional.empty())
                .failure())
        .hasValueSatisfying(f -> assertThat(f).contains("simulated"));
    assertThat(Files.readAllLines(first.outDir().resolve("probes.txt")))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("400").contains("BadUrl"),
            p -> assertThat(p).startsWith("502").contains("ResponseTooLarge"));
    String record = Files.readString(first.runtimeDir().resolve("runtime.json"));
    assertThat(record).contains("\"simulated\" : true", "\"transcriptEntries\" : 1");
    byte[] sealed = Files.readAllBytes(first.runtimeDir().resolve("state.sealed"));

    // A second launch (a restart or a successor operator) gets the same keys and opens the state.
    RunningApp.Exit second;
    try (RunningApp app =
        TeeRuntime.launch(spec("second", Optional.of(sealed), List.of()), Clock.systemUTC(), R)) {
      second = app.await();
    }
    assertThat(second.exitCode()).isZero();
    assertThat(Files.readString(second.outDir().resolve("restored.txt"))).isEqualTo("count=1");
    assertThat(
            SignedAnswer.fromJson(Files.readAllBytes(second.outDir().resolve("answer.json")))
                .wallet())
        .isEqualTo(answer.wallet());
  }

  @Test
  void keysFromAKmsOtherThanThePinnedOneAreRefused() throws Exception {
    // A second, fully working KMS with another root: it accepts the evidence and releases keys, but
    // the configuration pins the first KMS's key, so the runtime refuses its release.
    byte[] pinned = config();
    CHAIN.put(
        APP,
        new AppRecord(
            APP,
            true,
            ArtifactDigest.of(artifact()),
            new AppPolicy(
                    false,
                    true,
                    true,
                    TcbStatus.UP_TO_DATE,
                    List.of(
                        new AppMeasurement(APP, ArtifactDigest.of(artifact()), pinned)
                            .simulatedPolicyEntry()))
                .encode(),
            1));
    KeyReleaseService other =
        new KeyReleaseService(
            new KmsRoot(R.generateSeed(32)),
            id -> Optional.ofNullable(CHAIN.get(id)),
            new KeyReleaseService.Config(
                TrustAnchors.pinned().withSimulationRoots(List.of(tee.root())),
                true,
                Duration.ofMinutes(5)),
            AuditLog.open(dir.resolve("other-audit.jsonl")),
            Clock.systemUTC(),
            R);
    try (KmsServer fake = KmsServer.start(other, "127.0.0.1", 0)) {
      assertThatThrownBy(() ->
              TeeRuntime.launch(
                  spec("fake-kms", pinned, fake, Optional.empty(), List.of()),
                  Clock.systemUTC(),
                  R))
          .isInstanceOf(TeeRuntime.LaunchRefusedException.class)
          .satisfies(e ->
              assertThat(((TeeRuntime.LaunchRefusedException) e).reason())
                  .isEqualTo("UntrustedKms"));
    }
    assertThat(Files.readString(dir.resolve("other-audit.jsonl"))).contains("\"released\"");
    assertThat(dir.resolve("fake-kms/runtime/app-stdout.log")).doesNotExist();
  }

  @Test
  void launchesAreRefusedBeforeTheAppStarts() throws Exception {
    CHAIN.put(
        APP,
        new AppRecord(
            APP,
            true,
            new byte[32],
            new AppPolicy(
                    false,
                    true,
                    true,
                    TcbStatus.UP_TO_DATE,
                    List.of(
                        new AppMeasurement(APP, new byte[32], new byte[0]).simulatedPolicyEntry()))
                .encode(),
            1));
    assertThatThrownBy(() ->
            TeeRuntime.launch(spec("refused", Optional.empty(), List.of()), Clock.systemUTC(), R))
        .isInstanceOf(TeeRuntime.LaunchRefusedException.class)
        .hasMessageContaining("MeasurementNotAllowed");
    assertThatThrownBy(() ->
            TeeRuntime.launch(
                spec("unpinned", config(Optional.empty()), server, Optional.empty(), List.of()),
                Clock.systemUTC(),
                R))
        .isInstanceOf(TeeRuntime.LaunchRefusedException.class)
        .satisfies(e ->
            assertThat(((TeeRuntime.LaunchRefusedException) e).reason())
                .isEqualTo("KmsKeyNotPinned"));
    assertThat(dir.resolve("unpinned")).doesNotExist();
    LaunchSpec wrongDigest =
        new LaunchSpec(
            APP,
            artifact(),
            config(),
            Optional.of(new byte[32]),
            tee,
            false,
            Optional.empty(),
            List.of(),
            Optional.empty(),
            dir.resolve("digest"));
    assertThatThrownBy(() -> TeeRuntime.launch(wrongDigest, Clock.systemUTC(), R))
        .hasMessageContaining("DigestMismatch");
  }
}
