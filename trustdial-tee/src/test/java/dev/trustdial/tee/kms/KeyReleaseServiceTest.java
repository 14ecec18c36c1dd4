package dev.trustdial.tee.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.Fixtures;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.crypto.Ecies;
import dev.trustdial.tee.crypto.X25519;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.sim.SimulatedTee;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KMS's release and every refusal path, each named by its reason, each audited. */
class KeyReleaseServiceTest {
  static final SecureRandom R = new SecureRandom();
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant NOW = T0.plusSeconds(60);
  static final SimulatedTee TEE = SimulatedTee.createInstall(R, T0.minusSeconds(3600));
  static final SimulatedTee OTHER_TEE = SimulatedTee.createInstall(R, T0.minusSeconds(3600));
  static final BigInteger APP = BigInteger.valueOf(3);
  static final AppMeasurement V1 =
      new AppMeasurement(APP, R.generateSeed(32), "{}".getBytes(StandardCharsets.UTF_8));
  static final AppMeasurement V2 =
      new AppMeasurement(APP, R.generateSeed(32), "{}".getBytes(StandardCharsets.UTF_8));

  @TempDir Path dir;
  KmsRoot root;
  Map<BigInteger, AppRecord> chain;
  KeyReleaseService kms;

  @BeforeEach
  void setUp() {
    root = new KmsRoot(R.generateSeed(32));
    chain = new HashMap<>();
    chain.put(APP, record(1, policy(true, true, V1)));
    kms = service(true, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  KeyReleaseService service(boolean acceptSimulated, Clock clock) {
    TrustAnchors anchors =
        acceptSimulated
            ? TrustAnchors.pinned().withSimulationRoots(List.of(TEE.root()))
            : TrustAnchors.pinned();
    return new KeyReleaseService(
        root,
        id -> Optional.ofNullable(chain.get(id)),
        new KeyReleaseService.Config(anchors, acceptSimulated, Duration.ofMinutes(5)),
        AuditLog.open(dir.resolve("audit.jsonl")),
        clock,
        R);
  }

  static byte[] policy(
      boolean allowSimulated, boolean acceptNotEvaluated, AppMeasurement... allowed) {
    return new AppPolicy(
            false,
            allowSimulated,
            acceptNotEvaluated,
            TcbStatus.UP_TO_DATE,
            java.util.Arrays.stream(allowed).map(AppMeasurement::simulatedPolicyEntry).toList())
        .encode();
  }

  static AppRecord record(long version, byte[] policy) {
    return new AppRecord(APP, true, new byte[32], policy, version);
  }

  record Req(KeyRequest request, X25519 ephemeral) {}

  static Req request(AppMeasurement m, boolean debug, Instant at) {
    X25519 eph = X25519.generate(R);
    return new Req(
        new KeyRequest(
            m.appId(),
            envelope(
                TEE.attest(
                    m.events(), KeyRequest.reportData(m.appId(), eph.publicKey()), at, debug)),
            eph.publicKey(),
            List.of()),
        eph);
  }

  static byte[] envelope(byte[] evidence) {
    try {
      return EvidenceEnvelope.of(evidence, Optional.empty()).encode();
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      throw new AssertionError(e);
    }
  }

  KeyRelease.Refused refused(KeyRequest r, int status, String reason) {
    KeyRelease out = kms.release(r);
    assertThat(out).isInstanceOf(KeyRelease.Refused.class);
    KeyRelease.Refused ref = (KeyRelease.Refused) out;
    assertThat(ref.reason()).as(ref.detail()).isEqualTo(reason);
    assertThat(ref.status()).isEqualTo(status);
    return ref;
  }

  @Test
  void releasesTheKeySetEncryptedToTheBoundKeyAndAuditsIt() throws Exception {
    Req r = request(V1, false, T0);
    SealedSecret secret =
        SealedSecret.seal(
            kms.kmsPublicKey(), APP, "API_KEY", "k-123".getBytes(StandardCharsets.UTF_8), R);
    KeyRequest withSecret =
        new KeyRequest(
            APP, r.request().envelope().toArray(), r.ephemeral().publicKey(), List.of(secret));
    KeyRelease.Released rel = (KeyRelease.Released) kms.release(withSecret);
    KeySet keys =
        KeySet.decode(
            Ecies.decrypt(
                r.ephemeral(), KeyRequest.releaseContext(APP), rel.ciphertext().toArray()));
    assertThat(keys.wallet().address())
        .isEqualTo(root.wallet(APP).address())
        .isEqualTo(rel.wallet());
    assertThat(keys.sealKey().toArray()).isEqualTo(root.sealKey(APP));
    assertThat(keys.appVersion()).isEqualTo(1);
    assertThat(keys.secrets())
        .singleElement()
        .satisfies(s ->
            assertThat(s.value().toArray()).isEqualTo("k-123".getBytes(StandardCharsets.UTF_8)));
    assertThat(rel.verdict().simulated()).isTrue();
    // Nobody else can open it: not another ephemeral key, not another context.
    assertThatThrownBy(() ->
            Ecies.decrypt(
                X25519.generate(R), KeyRequest.releaseContext(APP), rel.ciphertext().toArray()))
        .isInstanceOf(Ecies.DecryptionFailedException.class);
    // The release is authenticated to the pinned KMS key only, over this ciphertext and app only.
    assertThat(
            ReleaseAuth.verify(
                r.ephemeral(),
                kms.kmsPublicKey(),
                APP,
                rel.ciphertext().toArray(),
                rel.kmsAuth().toArray()))
        .isTrue();
    assertThat(
            ReleaseAuth.verify(
                r.ephemeral(),
                new KmsRoot(R.generateSeed(32)).kmsKey().publicKey(),
                APP,
                rel.ciphertext().toArray(),
                rel.kmsAuth().toArray()))
        .isFalse();
    assertThat(
            ReleaseAuth.verify(
                r.ephemeral(),
                kms.kmsPublicKey(),
                APP.add(BigInteger.ONE),
                rel.ciphertext().toArray(),
                rel.kmsAuth().toArray()))
        .isFalse();
    byte[] flipped = rel.ciphertext().toArray();
    flipped[flipped.length - 1] ^= 1;
    assertThat(
            ReleaseAuth.verify(
                r.ephemeral(), kms.kmsPublicKey(), APP, flipped, rel.kmsAuth().toArray()))
        .isFalse();
    JsonNode line =
        JsonExchange.JSON.readTree(Files.readAllLines(dir.resolve("audit.jsonl")).getLast());
    assertThat(line.path("outcome").asText()).isEqualTo("released");
    assertThat(line.path("simulated").asBoolean()).isTrue();
    assertThat(line.path("wallet").asText()).isEqualTo(rel.wallet().toString());
  }

  @Test
  void anUpgradeToAnAllowedMeasurementKeepsTheWalletAndTheOldMeasurementIsRefused()
      throws Exception {
    KeyRelease.Released before =
        (KeyRelease.Released) kms.release(request(V1, false, T0).request());
    chain.put(APP, record(2, policy(true, true, V2)));
    Req r2 = request(V2, false, T0);
    KeyRelease.Released after = (KeyRelease.Released) kms.release(r2.request());
    assertThat(after.wallet()).isEqualTo(before.wallet());
    assertThat(after.appVersion()).isEqualTo(2);
    assertThat(
            KeySet.decode(
                    Ecies.decrypt(
                        r2.ephemeral(),
                        KeyRequest.releaseContext(APP),
                        after.ciphertext().toArray()))
                .appVersion())
        .isEqualTo(2);
    refused(request(V1, false, T0).request(), 403, "MeasurementNotAllowed");
  }

  @Test
  void wrongMeasurement() {
    AppMeasurement other =
        new AppMeasurement(APP, R.generateSeed(32), "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(refused(request(other, false, T0).request(), 403, "MeasurementNotAllowed").detail())
        .contains("RTMR3 is");
    // Another app's launch, even of the allowed artifact, measures another APP_ID.
    AppMeasurement otherApp =
        new AppMeasurement(BigInteger.valueOf(4), V1.artifactDigest(), V1.config());
    Req r = request(otherApp, false, T0);
    refused(
        new KeyRequest(APP, r.request().envelope().toArray(), r.ephemeral().publicKey(), List.of()),
        403,
        "MeasurementNotAllowed");
  }

  @Test
  void debugEnabled() {
    refused(request(V1, true, T0).request(), 403, "DebugEnabled");
  }

  @Test
  void tcbTooLowForSimulatedEvidenceWhenThePolicyRefusesNotEvaluated() {
    chain.put(APP, record(1, policy(true, false, V1)));
    refused(request(V1, false, T0).request(), 403, "TcbTooLow");
  }

  @Test
  void tcbTooLowOnRealTdxEvidence() {
    // Real Phala TDX v5 quote whose PCK TCB is below every level: TcbLevelNotFound.
    KeyReleaseService real = service(false, Clock.fixed(Fixtures.TDX_V5_AT, ZoneOffset.UTC));
    byte[] env =
        tdxEnvelope("tdx/phala_tdx_quote_outdated", "tdx/phala_tdx_quote_outdated_collateral.json");
    chain.put(
        APP,
        record(
            1,
            new AppPolicy(
                    false,
                    false,
                    false,
                    TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                    List.of(
                        new AppPolicy.AllowedMeasurement(
                            Platform.INTEL_TDX, List.of(new NamedBytes("MRTD", new byte[48])))))
                .encode()));
    KeyRelease out = real.release(new KeyRequest(APP, env, new byte[32], List.of()));
    assertThat(((KeyRelease.Refused) out).reason()).isEqualTo("TcbTooLow");
    assertThat(((KeyRelease.Refused) out).detail()).contains("TcbLevelNotFound");
  }

  @Test
  void realTdxEvidenceWithAnAllowedMeasurementStillNeedsTheReportDataBinding() {
    KeyReleaseService real = service(false, Clock.fixed(Fixtures.TDX_V4_AT, ZoneOffset.UTC));
    byte[] env = tdxEnvelope("tdx/phala_tdx_quote", "tdx/phala_tdx_collateral.json");
    var v =
        Fixtures.verdictOf(
            new dev.trustdial.tee.attest.AttestationVerifier(TrustAnchors.pinned())
                .verifyEnvelope(env, Fixtures.TDX_V4_AT));
    List<NamedBytes> regs =
        v.measurements().stream()
            .filter(m -> List.of("MRTD", "RTMR0", "RTMR1", "RTMR2", "RTMR3").contains(m.name()))
            .toList();
    chain.put(
        APP,
        record(
            1,
            new AppPolicy(
                    false,
                    false,
                    false,
                    TcbStatus.UP_TO_DATE,
                    List.of(new AppPolicy.AllowedMeasurement(Platform.INTEL_TDX, regs)))
                .encode()));
    KeyRelease out = real.release(new KeyRequest(APP, env, new byte[32], List.of()));
    assertThat(((KeyRelease.Refused) out).reason()).isEqualTo("ReportDataMismatch");
  }

  static byte[] tdxEnvelope(String quote, String collateral) {
    try {
      return EvidenceEnvelope.of(Fixtures.read(quote), Optional.of(Fixtures.read(collateral)))
          .encode();
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void simulatedNotAcceptedByTheKmsOrByThePolicy() {
    kms = service(false, Clock.fixed(NOW, ZoneOffset.UTC));
    refused(request(V1, false, T0).request(), 403, "SimulatedNotAccepted");
    kms = service(true, Clock.fixed(NOW, ZoneOffset.UTC));
    chain.put(
        APP,
        record(
            1,
            new AppPolicy(
                    false,
                    false,
                    true,
                    TcbStatus.UP_TO_DATE,
                    List.of(
                        new AppPolicy.AllowedMeasurement(
                            Platform.INTEL_TDX, List.of(new NamedBytes("MRTD", new byte[48])))))
                .encode()));
    refused(request(V1, false, T0).request(), 403, "SimulatedNotAllowedByPolicy");
  }

  @Test
  void tamperedEvidenceOrAnUnknownSimulationRoot() {
    KeyRequest r = request(V1, false, T0).request();
    byte[] env = r.envelope().toArray();
    env[env.length - 100] ^= 1; // inside the signed body, before the signature
    refused(
        new KeyRequest(APP, env, r.ephemeralPublicKey().toArray(), List.of()),
        403,
        "EvidenceInvalid");
    X25519 eph = X25519.generate(R);
    byte[] foreign =
        envelope(
            OTHER_TEE.attest(V1.events(), KeyRequest.reportData(APP, eph.publicKey()), T0, false));
    assertThat(
            refused(
                    new KeyRequest(APP, foreign, eph.publicKey(), List.of()),
                    403,
                    "EvidenceInvalid")
                .detail())
        .contains("UntrustedRoot");
  }

  @Test
  void wrongReportDataBinding() {
    Req r = request(V1, false, T0);
    // The evidence binds r's ephemeral key; a replay asking for the keys under another key is
    // refused.
    refused(
        new KeyRequest(
            APP, r.request().envelope().toArray(), X25519.generate(R).publicKey(), List.of()),
        403,
        "ReportDataMismatch");
  }

  @Test
  void staleEvidence() {
    refused(request(V1, false, NOW.minus(Duration.ofMinutes(6))).request(), 403, "EvidenceStale");
  }

  @Test
  void unknownAppNonTeeAppUnreadablePolicyRegistryDownAndForeignSecrets() {
    Req r = request(V1, false, T0);
    chain.remove(APP);
    refused(r.request(), 404, "UnknownApp");
    chain.put(APP, new AppRecord(APP, false, new byte[32], policy(true, true, V1), 1));
    refused(r.request(), 403, "NotTeeApp");
    chain.put(APP, record(1, new byte[0]));
    refused(r.request(), 403, "PolicyUnreadable");
    chain.put(APP, record(1, policy(true, true, V1)));
    SealedSecret forOtherApp =
        SealedSecret.seal(kms.kmsPublicKey(), BigInteger.TEN, "API_KEY", new byte[] {1}, R);
    refused(
        new KeyRequest(
            APP, r.request().envelope().toArray(), r.ephemeral().publicKey(), List.of(forOtherApp)),
        403,
        "SecretNotForThisApp");
    kms =
        new KeyReleaseService(
            root,
            id -> {
              throw new AppRecords.UnavailableException("rpc down", null);
            },
            kms.config(),
            AuditLog.open(dir.resolve("audit.jsonl")),
            Clock.fixed(NOW, ZoneOffset.UTC),
            R);
    refused(r.request(), 503, "RegistryUnavailable");
  }

  @Test
  void theAuditLogChainsEveryAnswerAndDetectsEdits() throws Exception {
    kms.release(request(V1, false, T0).request());
    kms.release(request(V1, true, T0).request());
    Path log = dir.resolve("audit.jsonl");
    assertThat(AuditLog.verify(log).entries()).isEqualTo(2);
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(1)).contains("\"outcome\":\"refused\"", "\"reason\":\"DebugEnabled\"");
    Files.write(log, List.of(lines.get(0).replace("released", "refused"), lines.get(1)));
    assertThatThrownBy(() -> AuditLog.verify(log)).hasMessageContaining("line 2");
    assertThatThrownBy(() -> AuditLog.open(log)).hasMessageContaining("line 2");
    Files.write(log, List.of(lines.get(1)));
    assertThatThrownBy(() -> AuditLog.verify(log)).hasMessageContaining("line 1");
  }
}
