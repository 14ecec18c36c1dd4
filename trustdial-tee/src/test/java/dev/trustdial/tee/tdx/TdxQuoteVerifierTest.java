package dev.trustdial.tee.tdx;

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
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TdxQuoteVerifierTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] V4 = read("tdx/phala_tdx_quote");
  static final byte[] V5 = read("tdx/phala_tdx_quote_outdated");
  static final Collateral V4_COL =
      Fixtures.collateral("tdx/phala_tdx_quote", "tdx/phala_tdx_collateral.json");
  static final Collateral V5_COL =
      Fixtures.collateral(
          "tdx/phala_tdx_quote_outdated", "tdx/phala_tdx_quote_outdated_collateral.json");

  // v4: header 48 + TD report 584, then u32 sig-data length, sig 64, attestation key 64, cert
  // type+size 6.
  static final int V4_BODY = 48;
  static final int V4_SIG = 632 + 4;
  static final int V4_ATT_KEY = V4_SIG + 64;
  static final int V4_QE_REPORT = V4_ATT_KEY + 64 + 6;
  static final int V4_QE_SIG = V4_QE_REPORT + 384;
  static final int V4_QE_AUTH = V4_QE_SIG + 64 + 2;
  static final int V4_PEM = V4_QE_AUTH + 32 + 6;
  // v5: header 48 + body type/size 6 + TD report 1.5 (648).
  static final int V5_QE_REPORT = 48 + 6 + 648 + 4 + 128 + 6;

  @Test
  void v4QuoteIsValidAndUpToDate() {
    Verdict v = verdictOf(VERIFIER.verify(V4, V4_COL, Fixtures.TDX_V4_AT));
    assertThat(v.platform()).isEqualTo(Platform.INTEL_TDX);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(v.debug()).isFalse();
    assertThat(v.simulated()).isFalse();
    assertThat(v.measurements())
        .extracting(m -> m.name())
        .startsWith("MRTD", "RTMR0", "RTMR1", "RTMR2", "RTMR3");
    assertThat(v.measurement("MRTD").orElseThrow().value().toArray())
        .hasSize(48)
        .isEqualTo(java.util.Arrays.copyOfRange(V4, V4_BODY + 136, V4_BODY + 184));
    assertThat(v.reportData().toArray())
        .isEqualTo(java.util.Arrays.copyOfRange(V4, V4_BODY + 520, V4_BODY + 584));
    assertThat(v.field("FMSPC").orElseThrow().hex()).isEqualTo("b0c06f000000");
    assertThat(
            VERIFIER
                .verify(
                    V4, V4_COL, Fixtures.TDX_V4_AT, AttestationPolicy.standard().requireUpToDate())
                .isValid())
        .isTrue();
  }

  @Test
  void v5QuoteHasAValidChainButAnUnsupportedTcb() {
    Verdict v = verdictOf(VERIFIER.verify(V5, V5_COL, Fixtures.TDX_V5_AT));
    // PCK SGX component 8 (SEAMLDR ACM) is 3; every TCB level asks for 5. Intel's rule is
    // component-wise, so no level matches (dcap-qvl's lexicographic order would say OutOfDate).
    assertThat(v.tcbStatus())
        .isNotEqualTo(TcbStatus.UP_TO_DATE)
        .isEqualTo(TcbStatus.TCB_LEVEL_NOT_FOUND);
    assertThat(v.checks()).anyMatch(c -> c.contains("below every TCB level"));
    assertThat(v.measurement("MRSERVICETD")).isPresent();
    assertThat(v.field("FMSPC").orElseThrow().hex()).isEqualTo("90c06f000000");
    assertThat(
            failureOf(
                VERIFIER.verify(V5, V5_COL, Fixtures.TDX_V5_AT, AttestationPolicy.standard())))
        .isInstanceOf(Failure.TcbNotAccepted.class);
  }

  @Test
  void flippedTdBodyByteBreaksTheQuoteSignature() {
    for (int off : new int[] {V4_BODY + 136, V4_BODY + 520, 30}) {
      assertThat(failureOf(VERIFIER.verify(flip(V4, off), V4_COL, Fixtures.TDX_V4_AT)))
          .isEqualTo(
              new Failure.SignatureInvalid(
                  SignedRegion.TDX_QUOTE, "ECDSA P-256 by the attestation key"));
    }
    assertThat(failureOf(VERIFIER.verify(flip(V4, V4_SIG + 5), V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.SignatureInvalid.class);
  }

  /** Every byte before the (unsigned, whitespace-tolerant) PEM text is covered by a check. */
  @Property(tries = 60)
  void anyFlippedByteBeforeThePckChainIsRefused(
      @ForAll @IntRange(min = 0, max = V4_PEM - 1) int offset) {
    assertThat(VERIFIER.verify(flip(V4, offset), V4_COL, Fixtures.TDX_V4_AT).isValid())
        .as("offset %d", offset)
        .isFalse();
  }

  @Test
  void debugBitIsSignedSoItCannotBeFlipped() throws Exception {
    byte[] debug = flip(V4, V4_BODY + 120);
    assertThat(TdxQuote.parse(debug).report().debug()).isTrue();
    assertThat(TdxQuote.parse(V4).report().debug()).isFalse();
    assertThat(failureOf(VERIFIER.verify(debug, V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.SignatureInvalid.class);
  }

  @Test
  void flippedQeReportByteBreaksThePckSignature() {
    for (var c :
        new Object[][] {
          {V4, V4_COL, Fixtures.TDX_V4_AT, V4_QE_REPORT + 100},
          {V5, V5_COL, Fixtures.TDX_V5_AT, V5_QE_REPORT + 10}
        }) {
      Failure f =
          failureOf(
              VERIFIER.verify(flip((byte[]) c[0], (int) c[3]), (Collateral) c[1], (Instant) c[2]));
      assertThat(f).isInstanceOf(Failure.SignatureInvalid.class);
      assertThat(((Failure.SignatureInvalid) f).region()).isEqualTo(SignedRegion.TDX_QE_REPORT);
    }
    assertThat(
            ((Failure.SignatureInvalid)
                    failureOf(VERIFIER.verify(flip(V4, V4_QE_SIG + 3), V4_COL, Fixtures.TDX_V4_AT)))
                .region())
        .isEqualTo(SignedRegion.TDX_QE_REPORT);
  }

  @Test
  void flippedAttestationKeyOrAuthDataBreaksTheQeBinding() {
    assertThat(failureOf(VERIFIER.verify(flip(V4, V4_ATT_KEY + 7), V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.BindingMismatch.class);
    assertThat(failureOf(VERIFIER.verify(flip(V4, V4_QE_AUTH + 1), V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.BindingMismatch.class);
  }

  @Test
  void timeOutsideTheCollateralWindowIsExpired() {
    for (String t : new String[] {"2025-07-20T00:00:00Z", "2025-06-01T00:00:00Z"}) {
      assertThat(failureOf(VERIFIER.verify(V4, V4_COL, Instant.parse(t))))
          .isInstanceOf(Failure.CollateralExpired.class);
    }
    // At the v4 time the v5 quote's PCK certificate was not issued yet (2026-01-23).
    assertThat(failureOf(VERIFIER.verify(V5, V5_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.CertificateNotValid.class);
    assertThat(failureOf(VERIFIER.verify(V4, V4_COL, Instant.parse("2050-01-01T00:00:00Z"))))
        .isInstanceOf(Failure.CertificateNotValid.class);
  }

  @Test
  void tamperedCollateralIsRefused() throws Exception {
    Collateral.Tdx c = (Collateral.Tdx) V4_COL;
    var tcbInfo =
        new Collateral.Tdx(
            c.pckCrlIssuerChain(),
            c.rootCaCrl(),
            c.pckCrl(),
            c.tcbInfoIssuerChain(),
            c.tcbInfoJson().replaceFirst("\"OutOfDate\"", "\"UpToDate\""),
            c.tcbInfoSignature(),
            c.qeIdentityIssuerChain(),
            c.qeIdentityJson(),
            c.qeIdentitySignature());
    assertThat(
            ((Failure.SignatureInvalid) failureOf(VERIFIER.verify(V4, tcbInfo, Fixtures.TDX_V4_AT)))
                .region())
        .isEqualTo(SignedRegion.TDX_TCB_INFO);
    var qeId =
        new Collateral.Tdx(
            c.pckCrlIssuerChain(),
            c.rootCaCrl(),
            c.pckCrl(),
            c.tcbInfoIssuerChain(),
            c.tcbInfoJson(),
            c.tcbInfoSignature(),
            c.qeIdentityIssuerChain(),
            c.qeIdentityJson().replace("\"isvprodid\":2", "\"isvprodid\":3"),
            c.qeIdentitySignature());
    assertThat(
            ((Failure.SignatureInvalid) failureOf(VERIFIER.verify(V4, qeId, Fixtures.TDX_V4_AT)))
                .region())
        .isEqualTo(SignedRegion.TDX_QE_IDENTITY);
  }

  @Test
  void collateralForAnotherFmspcIsAMismatch() {
    // Both quotes' PCK certificates stay valid in 2026; only the FMSPC differs.
    Failure f = failureOf(VERIFIER.verify(V4, V5_COL, Fixtures.TDX_V5_AT));
    assertThat(f).isInstanceOf(Failure.CollateralMismatch.class);
    assertThat(f.message()).contains("FMSPC");
  }

  @Test
  void anotherRootIsUntrusted() {
    TrustAnchors pinned = TrustAnchors.pinned();
    var wrong =
        new AttestationVerifier(
            new TrustAnchors(
                pinned.awsNitroRoot(),
                pinned.amdArkMilan(),
                pinned.amdAskMilan(),
                pinned.awsNitroRoot(),
                java.util.List.of()));
    assertThat(failureOf(wrong.verify(V4, V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.UntrustedRoot.class);
  }

  @Test
  void malformedQuotesAreRefusedWithAReason() {
    assertThat(
            failureOf(
                VERIFIER.verify(java.util.Arrays.copyOf(V4, 700), V4_COL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.Malformed.class);
    byte[] trailing = V4.clone();
    trailing[trailing.length - 1] = 1;
    assertThat(failureOf(VERIFIER.verify(trailing, V4_COL, Fixtures.TDX_V4_AT)).message())
        .contains("non-zero");
    assertThat(failureOf(VERIFIER.verify(V4, new Collateral.None(), Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.Malformed.class);
  }

  @Test
  void convergenceFollowsIntel() {
    assertThat(TdxQuoteVerifier.converge(TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE))
        .isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(TdxQuoteVerifier.converge(TcbStatus.CONFIGURATION_NEEDED, TcbStatus.OUT_OF_DATE))
        .isEqualTo(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED);
    assertThat(TdxQuoteVerifier.converge(TcbStatus.SW_HARDENING_NEEDED, TcbStatus.UP_TO_DATE))
        .isEqualTo(TcbStatus.SW_HARDENING_NEEDED);
    assertThat(TdxQuoteVerifier.converge(TcbStatus.UP_TO_DATE, TcbStatus.REVOKED))
        .isEqualTo(TcbStatus.REVOKED);
  }
}
