package dev.trustdial.tee.snp;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.flip;
import static dev.trustdial.tee.attest.Fixtures.read;
import static dev.trustdial.tee.attest.Fixtures.verdictOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.Fixtures;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.SignedRegion;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.x509.Certificates;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SnpReportVerifierTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] REPORT = read("sev-snp/report.bin");
  static final Collateral VCEK = Fixtures.collateral("sev-snp/report.bin", "sev-snp/vcek.der");

  @Test
  void realReportIsValid() {
    Verdict v = verdictOf(VERIFIER.verify(REPORT, VCEK, Fixtures.SNP_AT));
    assertThat(v.platform()).isEqualTo(Platform.AMD_SEV_SNP);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.NOT_EVALUATED);
    assertThat(v.measurement("MEASUREMENT").orElseThrow().value().toArray())
        .isEqualTo(Arrays.copyOfRange(REPORT, 0x90, 0xC0))
        .isNotEqualTo(new byte[48]);
    assertThat(v.measurement("HOST_DATA").orElseThrow().value().toArray()).hasSize(32);
    assertThat(v.reportData().toArray()).isEqualTo(Arrays.copyOfRange(REPORT, 0x50, 0x90));
    assertThat(v.field("REPORTED_TCB").orElseThrow().value().toArray())
        .isEqualTo(Arrays.copyOfRange(REPORT, 0x180, 0x188));
    // POLICY = 0x0B0000: SMT allowed, reserved bit 17, and DEBUG (bit 19): a debug guest.
    assertThat(v.field("POLICY").orElseThrow().hex()).isEqualTo("00000b0000000000");
    assertThat(v.debug()).isTrue();
    assertThat(v.checks()).anyMatch(c -> c.contains("CHIP_ID matches the VCEK hwID"));
  }

  @Test
  void theShippedAskIsUsedWhenTheCollateralHasOnlyTheVcek() throws Exception {
    var pem =
        new String(read("sev-snp/ask_ark_milan.pem"), java.nio.charset.StandardCharsets.US_ASCII);
    var certs = Certificates.fromPemChain(pem, "AMD chain");
    Collateral.Snp withAsk =
        new Collateral.Snp(((Collateral.Snp) VCEK).vcek(), Optional.of(certs.getFirst()));
    assertThat(VERIFIER.verify(REPORT, withAsk, Fixtures.SNP_AT).isValid()).isTrue();
    // The ARK is not an ASK: the chain must not verify with it in the ASK's place.
    Collateral.Snp wrongAsk =
        new Collateral.Snp(((Collateral.Snp) VCEK).vcek(), Optional.of(certs.get(1)));
    assertThat(failureOf(VERIFIER.verify(REPORT, wrongAsk, Fixtures.SNP_AT)))
        .isInstanceOfAny(Failure.ChainInvalid.class, Failure.UntrustedRoot.class);
  }

  @Property(tries = 60)
  void anyFlippedSignedByteIsRefused(@ForAll @IntRange(min = 0, max = 0x29F) int offset) {
    assertThat(VERIFIER.verify(flip(REPORT, offset), VCEK, Fixtures.SNP_AT).isValid()).isFalse();
  }

  @Test
  void flippedMeasurementOrSignatureBreaksTheSignature() {
    for (int off : new int[] {0x90, 0x50, 0x180, 0x1A0, 0x2A0, 0x2A0 + 72 + 10}) {
      Failure f = failureOf(VERIFIER.verify(flip(REPORT, off), VCEK, Fixtures.SNP_AT));
      assertThat(f)
          .isEqualTo(
              new Failure.SignatureInvalid(SignedRegion.SNP_REPORT, "ECDSA P-384 by the VCEK"));
    }
  }

  @Test
  void vcekOutsideItsValidityIsRefused() {
    for (String t : new String[] {"2022-01-01T00:00:00Z", "2030-01-01T00:00:00Z"}) {
      assertThat(failureOf(VERIFIER.verify(REPORT, VCEK, Instant.parse(t))))
          .isInstanceOf(Failure.CertificateNotValid.class);
    }
  }

  @Test
  void theDebugGuestIsRefusedByTheStandardPolicy() throws Exception {
    assertThat(
            failureOf(VERIFIER.verify(REPORT, VCEK, Fixtures.SNP_AT, AttestationPolicy.standard())))
        .isInstanceOf(Failure.DebugEnabled.class);
    assertThat(
            VERIFIER
                .verify(REPORT, VCEK, Fixtures.SNP_AT, AttestationPolicy.standard().allowingDebug())
                .isValid())
        .isTrue();
    byte[] noDebug = REPORT.clone();
    noDebug[0x0A] &= ~0x08; // clearing POLICY bit 19 is caught by the signature
    assertThat(SnpReport.parse(noDebug).debug()).isFalse();
    assertThat(failureOf(VERIFIER.verify(noDebug, VCEK, Fixtures.SNP_AT)))
        .isInstanceOf(Failure.SignatureInvalid.class);
  }

  @Test
  void malformedReportsAreRefused() {
    byte[] wrongAlgo = REPORT.clone();
    wrongAlgo[0x34] = 2;
    assertThat(failureOf(VERIFIER.verify(wrongAlgo, VCEK, Fixtures.SNP_AT)).message())
        .contains("signature algorithm");
    assertThat(failureOf(VERIFIER.verify(REPORT, new Collateral.None(), Fixtures.SNP_AT)))
        .isInstanceOf(Failure.Malformed.class);
  }
}
