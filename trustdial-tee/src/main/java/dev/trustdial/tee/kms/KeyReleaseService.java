package dev.trustdial.tee.kms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationResult;
import dev.trustdial.tee.crypto.Ecies;
import dev.trustdial.tee.crypto.X25519;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The KMS's decision: verify the evidence, judge it by the app's onchain policy, and release the
 * app's key set encrypted to the key bound in the evidence. Every answer goes to the audit log. The
 * order of the checks is in docs/spec/tee-runtime.md ("KMS"), so a test can name the refusal a
 * given request must get.
 */
public final class KeyReleaseService {
  /**
   * @param acceptSimulated whether this KMS accepts simulated evidence at all (then the anchors
   *     carry the simulation roots); the app's policy must allow it too
   * @param maxEvidenceAge how old evidence with a signed timestamp (simulated, Nitro) may be
   */
  public record Config(TrustAnchors anchors, boolean acceptSimulated, Duration maxEvidenceAge) {
    public Config {
      if (acceptSimulated == anchors.simulationRoots().isEmpty()) {
        throw new IllegalArgumentException(
            "accepting simulated evidence needs a simulation root, and a simulation root needs acceptSimulated");
      }
      if (maxEvidenceAge.isNegative() || maxEvidenceAge.isZero()) {
        throw new IllegalArgumentException("the maximum evidence age must be positive");
      }
    }
  }

  private final KmsRoot root;
  private final X25519 kmsKey;
  private final AppRecords apps;
  private final Config config;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;

  public KeyReleaseService(
      KmsRoot root,
      AppRecords apps,
      Config config,
      AuditLog audit,
      Clock clock,
      SecureRandom random) {
    this.root = root;
    this.kmsKey = root.kmsKey();
    this.apps = apps;
    this.config = config;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  public byte[] kmsPublicKey() {
    return kmsKey.publicKey();
  }

  public Config config() {
    return config;
  }

  /** The app's wallet address (public: anyone may check an answer's signer against it). */
  public dev.trustdial.core.crypto.Address walletAddress(BigInteger appId) {
    return root.wallet(appId).address();
  }

  public KeyRelease release(KeyRequest request) {
    KeyRelease r = decide(request);
    ObjectNode e = AuditLog.entry();
    e.put("at", clock.instant().toString());
    e.put("appId", request.appId().toString());
    e.put("ephemeralKey", request.ephemeralPublicKey().toHex());
    e.put("evidenceSha256", Hex.encode(sha256(request.envelope().toArray())));
    switch (r) {
      case KeyRelease.Released rel -> {
        e.put("outcome", "released");
        e.put("appVersion", rel.appVersion());
        e.put("wallet", rel.wallet().toString());
        e.put("secrets", request.secrets().size());
        describe(e, rel.verdict());
      }
      case KeyRelease.Refused ref -> {
        e.put("outcome", "refused");
        e.put("status", ref.status());
        e.put("reason", ref.reason());
        e.put("detail", ref.detail());
        ref.verdict().ifPresent(v -> describe(e, v));
      }
    }
    audit.append(e);
    return r;
  }

  private static void describe(ObjectNode e, Verdict v) {
    e.put("platform", v.platform().name());
    e.put("simulated", v.simulated());
    e.put("debug", v.debug());
    e.put("tcbStatus", v.tcbStatus().wireName());
    ObjectNode m = e.putObject("measurements");
    v.measurements().forEach(x -> m.put(x.name(), x.value().toHex()));
  }

  private KeyRelease decide(KeyRequest req) {
    BigInteger id = req.appId();
    Optional<AppRecord> found;
    try {
      found = apps.find(id);
    } catch (AppRecords.UnavailableException e) {
      return refused(id, 503, "RegistryUnavailable", e.getMessage(), null);
    }
    if (found.isEmpty()) {
      return refused(id, 404, "UnknownApp", "no app " + id + " in AppRegistry", null);
    }
    AppRecord app = found.get();
    if (!app.teeMode()) {
      return refused(
          id,
          403,
          "NotTeeApp",
          "app " + id + " is not a TEE app; the KMS releases keys only to TEE apps",
          null);
    }
    AppPolicy policy;
    try {
      policy = AppPolicy.decode(app.policy().toArray());
    } catch (IllegalArgumentException e) {
      return refused(
          id,
          403,
          "PolicyUnreadable",
          "app " + id + " v" + app.version() + " policy: " + e.getMessage(),
          null);
    }
    Instant now = clock.instant();
    VerificationResult result =
        new AttestationVerifier(config.anchors()).verifyEnvelope(req.envelope().toArray(), now);
    Verdict v;
    switch (result) {
      case VerificationResult.Invalid(Failure f) -> {
        return refused(
            id,
            403,
            f instanceof Failure.SimulatedNotAccepted ? "SimulatedNotAccepted" : "EvidenceInvalid",
            f.kind() + ": " + f.message(),
            null);
      }
      case VerificationResult.Valid(Verdict ok) -> v = ok;
    }
    if (v.simulated() && !config.acceptSimulated()) {
      return refused(
          id, 403, "SimulatedNotAccepted", "this KMS does not accept simulated evidence", v);
    }
    if (v.simulated() && !policy.allowSimulated()) {
      return refused(
          id,
          403,
          "SimulatedNotAllowedByPolicy",
          "app " + id + " v" + app.version() + " policy does not allow simulated TEEs",
          v);
    }
    if (v.debug() && !policy.allowDebug()) {
      return refused(
          id,
          403,
          "DebugEnabled",
          "the TEE runs in debug mode and the app's policy refuses debug",
          v);
    }
    if (!policy.acceptsTcb(v.tcbStatus())) {
      return refused(
          id,
          403,
          "TcbTooLow",
          "TCB status "
              + v.tcbStatus().wireName()
              + "; the policy accepts up to "
              + policy.worstTcb().wireName()
              + (policy.acceptNotEvaluated() ? " and NotEvaluated" : ""),
          v);
    }
    List<String> mismatches = new ArrayList<>();
    boolean allowed = false;
    for (AppPolicy.AllowedMeasurement a : policy.allowed()) {
      Optional<String> why = a.mismatch(v);
      if (why.isEmpty()) {
        allowed = true;
        break;
      }
      mismatches.add(why.get());
    }
    if (!allowed) {
      return refused(
          id,
          403,
          "MeasurementNotAllowed",
          "no allowed measurement of app "
              + id
              + " v"
              + app.version()
              + " matches: "
              + String.join("; ", mismatches),
          v);
    }
    if (v.issuedAt().isPresent()
        && v.issuedAt().get().isBefore(now.minus(config.maxEvidenceAge()))) {
      return refused(
          id,
          403,
          "EvidenceStale",
          "evidence issued at "
              + v.issuedAt().get()
              + " is older than "
              + config.maxEvidenceAge().toSeconds()
              + " s",
          v);
    }
    if (!MessageDigest.isEqual(
        v.reportData().toArray(), KeyRequest.reportData(id, req.ephemeralPublicKey().toArray()))) {
      return refused(
          id,
          403,
          "ReportDataMismatch",
          "the evidence's report data does not bind app "
              + id
              + " and the request's ephemeral key (purpose "
              + KeyRequest.PURPOSE
              + ")",
          v);
    }
    List<KeySet.Secret> secrets = new ArrayList<>();
    for (SealedSecret s : req.secrets()) {
      try {
        secrets.add(new KeySet.Secret(s.name(), s.open(kmsKey, id)));
      } catch (Ecies.DecryptionFailedException | IllegalArgumentException e) {
        return refused(
            id,
            403,
            "SecretNotForThisApp",
            "secret "
                + s.name()
                + " does not open for app "
                + id
                + " under this KMS's key: "
                + e.getMessage(),
            v);
      }
    }
    KeySet keys = root.keySet(id, app.version(), secrets);
    byte[] ct;
    byte[] auth;
    try {
      ct =
          Ecies.encrypt(
              req.ephemeralPublicKey().toArray(),
              KeyRequest.releaseContext(id),
              keys.encode(),
              random);
      auth = ReleaseAuth.tag(kmsKey, req.ephemeralPublicKey().toArray(), id, ct);
    } catch (IllegalArgumentException e) {
      return refused(id, 400, "BadRequest", "the ephemeral key: " + e.getMessage(), v);
    }
    assert v.platform() != Platform.SIMULATED || config.acceptSimulated();
    Secp256k1Key w = keys.wallet();
    return new KeyRelease.Released(id, app.version(), w.address(), Bytes.of(ct), Bytes.of(auth), v);
  }

  /**
   * The {@link ReleaseAuth#refusalTag} for a refusal of {@code req}; empty when its ephemeral key
   * is unusable.
   */
  public java.util.Optional<byte[]> refusalTag(KeyRequest req, String reason) {
    try {
      return java.util.Optional.of(
          ReleaseAuth.refusalTag(kmsKey, req.ephemeralPublicKey().toArray(), req.appId(), reason));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static KeyRelease.Refused refused(
      BigInteger id, int status, String reason, String detail, Verdict v) {
    return new KeyRelease.Refused(id, status, reason, detail, Optional.ofNullable(v));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
