package dev.trustdial.tee.snp;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.read;
import static dev.trustdial.tee.attest.Fixtures.verdictOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.TestPki;
import dev.trustdial.tee.attest.TrustAnchors;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERIA5String;
import org.junit.jupiter.api.Test;

/**
 * The reported TCB and chip id must be the ones the VCEK certifies. AMD signs only consistent
 * pairs, so the inconsistent ones are built under a test ARK/ASK with VCEKs we hold the keys of.
 */
class SnpTcbConsistencyTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final byte[] REAL = read("sev-snp/report.bin");
  static final TestPki.Issued ARK =
      TestPki.root(
          "CN=test ARK-Milan",
          TestPki.ec("secp384r1"),
          "SHA384withECDSA",
          T.minusSeconds(86400),
          T.plusSeconds(86400));
  static final TestPki.Issued ASK =
      TestPki.issue(
          "CN=test SEV-Milan",
          TestPki.ec("secp384r1"),
          ARK,
          "SHA384withECDSA",
          true,
          T.minusSeconds(86400),
          T.plusSeconds(86400),
          List.of());
  static final TrustAnchors P = TrustAnchors.pinned();
  static final AttestationVerifier VERIFIER =
      new AttestationVerifier(
          new TrustAnchors(P.intelSgxRoot(), ARK.cert(), ASK.cert(), P.awsNitroRoot(), List.of()));
  static final byte[] TCB = Arrays.copyOfRange(REAL, 0x180, 0x188);
  static final byte[] CHIP = Arrays.copyOfRange(REAL, 0x1A0, 0x1E0);

  @Test
  void consistentVcekIsValid() throws Exception {
    var vcek = vcek("Milan-B0", TCB, CHIP);
    assertThat(verdictOf(VERIFIER.verify(signed(REAL, vcek), collateral(vcek), T)).checks())
        .anyMatch(c -> c.contains("CHIP_ID matches"));
  }

  @Test
  void reportedTcbOtherThanTheVcekIsAMismatch() throws Exception {
    for (int i : new int[] {0, 1, 6, 7}) {
      byte[] tcb = TCB.clone();
      tcb[i]++;
      var vcek = vcek("Milan-B0", tcb, CHIP);
      Failure f = failureOf(VERIFIER.verify(signed(REAL, vcek), collateral(vcek), T));
      assertThat(f).as("TCB byte %d", i).isInstanceOf(Failure.TcbMismatch.class);
    }
  }

  @Test
  void chipIdOtherThanTheVcekIsAMismatchUnlessMasked() throws Exception {
    byte[] other = CHIP.clone();
    other[0] ^= 1;
    var vcek = vcek("Milan-B0", TCB, other);
    assertThat(failureOf(VERIFIER.verify(signed(REAL, vcek), collateral(vcek), T)).message())
        .contains("CHIP_ID");
    byte[] masked = REAL.clone();
    Arrays.fill(masked, 0x1A0, 0x1E0, (byte) 0);
    assertThat(verdictOf(VERIFIER.verify(signed(masked, vcek), collateral(vcek), T)).checks())
        .anyMatch(c -> c.contains("masked"));
  }

  @Test
  void otherProductsHaveNoPinnedArk() throws Exception {
    var vcek = vcek("Genoa", TCB, CHIP);
    assertThat(failureOf(VERIFIER.verify(signed(REAL, vcek), collateral(vcek), T)))
        .isInstanceOf(Failure.UntrustedRoot.class);
  }

  static TestPki.Issued vcek(String product, byte[] tcb, byte[] hwid) {
    return TestPki.issue(
        "CN=SEV-VCEK",
        TestPki.ec("secp384r1"),
        ASK,
        "SHA384withECDSA",
        false,
        T.minusSeconds(3600),
        T.plusSeconds(3600),
        List.of(
            new TestPki.Ext(SnpReportVerifier.OID_PRODUCT, new DERIA5String(product)),
            new TestPki.Ext(SnpReportVerifier.OID_BL_SPL, new ASN1Integer(tcb[0] & 0xFF)),
            new TestPki.Ext(SnpReportVerifier.OID_TEE_SPL, new ASN1Integer(tcb[1] & 0xFF)),
            new TestPki.Ext(SnpReportVerifier.OID_SNP_SPL, new ASN1Integer(tcb[6] & 0xFF)),
            new TestPki.Ext(SnpReportVerifier.OID_UCODE_SPL, new ASN1Integer(tcb[7] & 0xFF)),
            new TestPki.Ext(SnpReportVerifier.OID_HWID, hwid.clone())));
  }

  static Collateral collateral(TestPki.Issued vcek) {
    return new Collateral.Snp(vcek.cert(), Optional.empty());
  }

  /** Re-signs [0, 0x2A0) with the VCEK key; r and s little-endian in 72-byte fields. */
  static byte[] signed(byte[] report, TestPki.Issued vcek) throws Exception {
    byte[] out = report.clone();
    Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
    s.initSign(vcek.keys().getPrivate());
    s.update(out, 0, 0x2A0);
    byte[] rs = s.sign();
    Arrays.fill(out, 0x2A0, 0x2A0 + 144, (byte) 0);
    for (int i = 0; i < 48; i++) {
      out[0x2A0 + i] = rs[47 - i];
      out[0x2A0 + 72 + i] = rs[95 - i];
    }
    return out;
  }
}
