package dev.trustdial.tee.nitro;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.verdictOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.TestPki;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A document whose payload uses indefinite-length CBOR (as some producers emit), signed by a test
 * chain: the signature must verify over the original bytes, which a re-encoding would change.
 */
class IndefiniteLengthDocumentTest {
  static final Instant T = Instant.parse("2026-01-01T12:00:00Z");
  static final TestPki.Issued ROOT =
      TestPki.root(
          "CN=test nitro root",
          TestPki.ec("secp384r1"),
          "SHA384withECDSA",
          T.minusSeconds(86400),
          T.plusSeconds(86400 * 365));
  static final TestPki.Issued LEAF =
      TestPki.issue(
          "CN=test enclave",
          TestPki.ec("secp384r1"),
          ROOT,
          "SHA384withECDSA",
          false,
          T.minusSeconds(600),
          T.plusSeconds(3 * 3600),
          List.of());
  static final TrustAnchors P = TrustAnchors.pinned();
  static final AttestationVerifier TEST_ROOT =
      new AttestationVerifier(
          new TrustAnchors(
              P.intelSgxRoot(), P.amdArkMilan(), P.amdAskMilan(), ROOT.cert(), List.of()));

  @Test
  void indefiniteLengthPayloadVerifiesOverTheOriginalBytes() throws Exception {
    byte[] doc = document(T, new byte[48]);
    Verdict v = verdictOf(TEST_ROOT.verify(doc, new Collateral.None(), T.plusSeconds(1)));
    assertThat(v.issuedAt()).contains(T);
    assertThat(v.reportData().toArray()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    assertThat(v.measurement("PCR0").orElseThrow().isAllZero()).isTrue();
    assertThat(v.debug()).isTrue();
    // The same document against the real pinned root is untrusted, not accepted.
    assertThat(
            failureOf(
                new AttestationVerifier(P).verify(doc, new Collateral.None(), T.plusSeconds(1))))
        .isInstanceOf(Failure.UntrustedRoot.class);
  }

  @Test
  void chainIsJudgedAtTheDocumentTimestamp() throws Exception {
    // Signed by a leaf that expired before the document's timestamp.
    byte[] late = document(T.plusSeconds(4 * 3600), new byte[48]);
    assertThat(failureOf(TEST_ROOT.verify(late, new Collateral.None(), T.plusSeconds(5 * 3600))))
        .isInstanceOf(Failure.CertificateNotValid.class);
  }

  static byte[] document(Instant ts, byte[] pcr0) throws Exception {
    var p = new ByteArrayOutputStream();
    p.write(0xBF); // indefinite map
    text(p, "module_id");
    text(p, "i-test-enc");
    text(p, "digest");
    text(p, "SHA384");
    text(p, "timestamp");
    p.write(0x1B);
    long ms = ts.toEpochMilli();
    for (int s = 56; s >= 0; s -= 8) {
      p.write((int) (ms >>> s));
    }
    text(p, "pcrs");
    p.write(0xBF);
    p.write(0x00);
    bytes(p, pcr0);
    p.write(0x01);
    bytes(p, new byte[48]);
    p.write(0xFF);
    text(p, "certificate");
    bytes(p, LEAF.cert().getEncoded());
    text(p, "cabundle");
    p.write(0x9F); // indefinite array
    bytes(p, ROOT.cert().getEncoded());
    p.write(0xFF);
    text(p, "public_key");
    p.write(0xF6);
    text(p, "user_data");
    p.write(0x5F); // indefinite byte string in two chunks
    bytes(p, "hel".getBytes(StandardCharsets.US_ASCII));
    bytes(p, "lo".getBytes(StandardCharsets.US_ASCII));
    p.write(0xFF);
    text(p, "nonce");
    p.write(0xF6);
    p.write(0xFF);
    byte[] payload = p.toByteArray();
    byte[] protectedHeader = {(byte) 0xA1, 0x01, 0x38, 0x22};
    Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
    s.initSign(LEAF.keys().getPrivate());
    s.update(NitroDocumentVerifier.sigStructure(protectedHeader, payload));
    var out = new ByteArrayOutputStream();
    out.write(0x84);
    bytes(out, protectedHeader);
    out.write(0xA0);
    bytes(out, payload);
    bytes(out, s.sign());
    return out.toByteArray();
  }

  static void text(ByteArrayOutputStream o, String s) {
    head(o, 3, s.length());
    o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(ByteArrayOutputStream o, byte[] b) {
    head(o, 2, b.length);
    o.writeBytes(b);
  }

  static void head(ByteArrayOutputStream o, int major, int n) {
    if (n < 24) {
      o.write(major << 5 | n);
    } else if (n < 256) {
      o.write(major << 5 | 24);
      o.write(n);
    } else {
      o.write(major << 5 | 25);
      o.write(n >> 8);
      o.write(n);
    }
  }
}
