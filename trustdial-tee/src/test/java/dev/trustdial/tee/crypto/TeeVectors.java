package dev.trustdial.tee.crypto;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.KeyRequest;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.kms.ReleaseAuth;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.runtime.AttestationAgent;
import dev.trustdial.tee.seal.SealedState;
import dev.trustdial.tee.sim.Rtmrs;
import dev.trustdial.tee.transcript.Transcript;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the vectors of docs/spec/tee-runtime.md from fixed inputs; {@code TeeVectorsTest}
 * compares them with src/test/resources/tee-vectors.json, and
 * src/test/resources/tee-vectors-check.py recomputes them with Python's cryptography package.
 * {@code main} prints the JSON (used once to write the file).
 */
public final class TeeVectors {
  private TeeVectors() {}

  static byte[] fill(int n, int b) {
    byte[] x = new byte[n];
    Arrays.fill(x, (byte) b);
    return x;
  }

  public static Map<String, String> compute(Path scratch) throws IOException {
    Map<String, String> v = new LinkedHashMap<>();
    byte[] rootSecret = new byte[32];
    for (int i = 0; i < 32; i++) {
      rootSecret[i] = (byte) (i + 1);
    }
    KmsRoot root = new KmsRoot(rootSecret);
    BigInteger app1 = BigInteger.ONE;
    v.put("kms.rootSecret", Hex.encode(rootSecret));
    v.put("kms.app1.wallet.counter0", Hex.encode(root.appKey(app1, KmsRoot.Purpose.WALLET, 0)));
    v.put("kms.app1.wallet.address", root.wallet(app1).address().toString());
    v.put("kms.app1.seal", Hex.encode(root.sealKey(app1)));
    v.put("kms.app7.seal", Hex.encode(root.sealKey(BigInteger.valueOf(7))));
    v.put("kms.x25519.public", Hex.encode(root.kmsKey().publicKey()));

    X25519 recipient = X25519.fromPrivate(fill(32, 0x11));
    X25519 eph = X25519.fromPrivate(fill(32, 0x22));
    v.put("ecies.recipient.private", Hex.encode(recipient.privateKey()));
    v.put("ecies.recipient.public", Hex.encode(recipient.publicKey()));
    v.put("ecies.ephemeral.private", Hex.encode(eph.privateKey()));
    v.put("ecies.nonce", Hex.encode(fill(12, 0x33)));
    v.put("ecies.context", Hex.encode("ctx".getBytes(StandardCharsets.US_ASCII)));
    v.put("ecies.plaintext", Hex.encode("hello".getBytes(StandardCharsets.US_ASCII)));
    v.put(
        "ecies.ciphertext",
        Hex.encode(
            Ecies.encrypt(
                recipient.publicKey(),
                "ctx".getBytes(StandardCharsets.US_ASCII),
                "hello".getBytes(StandardCharsets.US_ASCII),
                eph,
                fill(12, 0x33))));

    KeySet ks =
        new KeySet(
            app1,
            2,
            fill(32, 0x01),
            fill(32, 0x02),
            List.of(new KeySet.Secret("API_KEY", "s3cret".getBytes(StandardCharsets.US_ASCII))));
    v.put("keyset.encoding", Hex.encode(ks.encode()));
    v.put("keyrequest.reportData", Hex.encode(KeyRequest.reportData(app1, eph.publicKey())));
    v.put("keyrelease.context", Hex.encode(KeyRequest.releaseContext(app1)));
    // The KMS of root 0x0102..20 authenticates the ECIES vector's ciphertext as a release to
    // ephemeral 32 x 0x22.
    v.put(
        "keyrelease.kmsAuth",
        Hex.encode(
            ReleaseAuth.tag(
                root.kmsKey(),
                eph.publicKey(),
                app1,
                Ecies.encrypt(
                    recipient.publicKey(),
                    "ctx".getBytes(StandardCharsets.US_ASCII),
                    "hello".getBytes(StandardCharsets.US_ASCII),
                    eph,
                    fill(12, 0x33)))));
    // The same KMS refusing that request with MeasurementNotAllowed (the refusal's reason is
    // authenticated too).
    v.put(
        "keyrefusal.kmsAuth",
        Hex.encode(
            ReleaseAuth.refusalTag(root.kmsKey(), eph.publicKey(), app1, "MeasurementNotAllowed")));

    AppPolicy policy =
        new AppPolicy(
            false,
            true,
            true,
            TcbStatus.UP_TO_DATE,
            List.of(
                new AppPolicy.AllowedMeasurement(
                    Platform.SIMULATED,
                    List.of(
                        new NamedBytes("RTMR0", fill(48, 0xaa)),
                        new NamedBytes("RTMR3", fill(48, 0xbb)))),
                new AppPolicy.AllowedMeasurement(
                    Platform.INTEL_TDX, List.of(new NamedBytes("MRTD", fill(48, 0xcc))))));
    v.put("policy.encoding", Hex.encode(policy.encode()));

    Transcript t = new Transcript();
    byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
    t.append(
        Instant.ofEpochMilli(1_700_000_000_000L),
        "https://example.com/price",
        200,
        fill(32, 0x01),
        Transcript.sha256(body),
        body.length);
    v.put("transcript.entry0", Hex.encode(t.entries().getFirst().encode()));
    v.put("transcript.head1", Hex.encode(t.head()));
    v.put("transcript.encoding", Hex.encode(t.encode()));
    v.put(
        "evidence.reportData.empty",
        Hex.encode(
            AttestationAgent.evidenceReportData(fill(64, 0x66), new Transcript().snapshot())));
    v.put(
        "evidence.reportData.one",
        Hex.encode(AttestationAgent.evidenceReportData(fill(64, 0x66), t.snapshot())));

    v.put(
        "seal.encoding",
        Hex.encode(
            SealedState.seal(
                fill(32, 0x44),
                app1,
                2,
                "state".getBytes(StandardCharsets.US_ASCII),
                fill(12, 0x55))));

    Path dir = scratch.resolve("artifact");
    Files.createDirectories(dir.resolve("lib"));
    Files.write(dir.resolve("a.txt"), "A".getBytes(StandardCharsets.US_ASCII));
    Files.write(dir.resolve("lib/b.bin"), new byte[] {0, 1, 2});
    v.put("artifact.dir", Hex.encode(ArtifactDigest.of(dir)));

    AppMeasurement m =
        new AppMeasurement(app1, fill(32, 0x11), "{}".getBytes(StandardCharsets.US_ASCII));
    Rtmrs r = m.registers();
    v.put("measurement.RTMR0", Hex.encode(r.get(0)));
    v.put("measurement.RTMR3", Hex.encode(r.get(3)));

    Address w = Address.parse("0x" + "00".repeat(19) + "01");
    v.put("answer.appData", Hex.encode(SignedAnswer.appData("TDS/USD 1.00", w)));
    v.put("answer.digest", SignedAnswer.digest("TDS/USD 1.00").toString());
    return v;
  }

  public static void main(String[] args) throws IOException {
    Path tmp = Files.createTempDirectory("tee-vectors");
    Map<String, String> v = compute(tmp);
    System.out.println(
        dev.trustdial.tee.http.JsonExchange.JSON
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(v));
  }
}
