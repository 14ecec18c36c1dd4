package dev.trustdial.tee.nitro;

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
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NitroDocumentVerifierTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] PROD = read("nitro/anjuna_prod.bin");
  static final byte[] PROD_PK = read("nitro/anjuna_prod_pk.bin");
  static final byte[] DEBUG = read("nitro/anjuna_full.bin");
  static final Collateral NONE = new Collateral.None();

  @Test
  void productionDocumentsAreValidAtTheirOwnTimestamp() {
    for (byte[] doc : List.of(PROD, PROD_PK)) {
      Verdict v = verdictOf(VERIFIER.verify(doc, NONE, Fixtures.NOW_ISH));
      assertThat(v.platform()).isEqualTo(Platform.AWS_NITRO);
      assertThat(v.debug()).isFalse();
      assertThat(v.measurement("PCR0").orElseThrow().value().toArray()).hasSize(48);
      assertThat(v.issuedAt()).isPresent();
      assertThat(v.issuedAt().orElseThrow())
          .isBetween(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"));
      assertThat(
              new String(
                  v.field("MODULE_ID").orElseThrow().value().toArray(), StandardCharsets.UTF_8))
          .startsWith("i-");
      assertThat(AttestationPolicy.standard().check(v)).isEmpty();
    }
    assertThat(verdictOf(VERIFIER.verify(PROD_PK, NONE, Fixtures.NOW_ISH)).field("PUBLIC_KEY"))
        .isPresent();
    assertThat(verdictOf(VERIFIER.verify(PROD, NONE, Fixtures.NOW_ISH)).field("PUBLIC_KEY"))
        .isEmpty();
  }

  @Test
  void debugEnclaveHasAValidChainButIsRefusedAsDebug() {
    Verdict v = verdictOf(VERIFIER.verify(DEBUG, NONE, Fixtures.NOW_ISH));
    assertThat(v.debug()).isTrue();
    assertThat(v.measurement("PCR0").orElseThrow().isAllZero()).isTrue();
    assertThat(
            failureOf(VERIFIER.verify(DEBUG, NONE, Fixtures.NOW_ISH, AttestationPolicy.standard())))
        .isInstanceOf(Failure.DebugEnabled.class);
  }

  @Test
  void flippedPayloadOrSignatureByteBreaksTheSignature() {
    int moduleId = indexOf(PROD, "i-0".getBytes(StandardCharsets.US_ASCII));
    int pcrs = indexOf(PROD, "pcrs".getBytes(StandardCharsets.US_ASCII));
    // module_id text, a PCR value, the signature, and bytes inside the leaf certificate.
    for (int off :
        new int[] {moduleId + 3, pcrs + 10, PROD.length - 5, PROD.length - 96, PROD.length - 200}) {
      Failure f = failureOf(VERIFIER.verify(flip(PROD, off), NONE, Fixtures.NOW_ISH));
      assertThat(f)
          .as("offset %d", off)
          .isInstanceOfAny(
              Failure.SignatureInvalid.class, Failure.Malformed.class, Failure.ChainInvalid.class);
    }
    Failure f = failureOf(VERIFIER.verify(flip(PROD, moduleId + 3), NONE, Fixtures.NOW_ISH));
    assertThat(((Failure.SignatureInvalid) f).region()).isEqualTo(SignedRegion.NITRO_DOCUMENT);
    Failure sig = failureOf(VERIFIER.verify(flip(PROD, PROD.length - 5), NONE, Fixtures.NOW_ISH));
    assertThat(sig).isInstanceOf(Failure.SignatureInvalid.class);
  }

  @Test
  void verificationTimeBeforeTheDocumentIsRefused() {
    assertThat(failureOf(VERIFIER.verify(PROD, NONE, Instant.parse("2020-01-01T00:00:00Z"))))
        .isInstanceOf(Failure.IssuedAfterVerificationTime.class);
  }

  @Test
  void anotherPinnedRootIsUntrusted() {
    TrustAnchors p = TrustAnchors.pinned();
    var wrong =
        new AttestationVerifier(
            new TrustAnchors(
                p.intelSgxRoot(), p.amdArkMilan(), p.amdAskMilan(), p.intelSgxRoot(), List.of()));
    assertThat(failureOf(wrong.verify(PROD, NONE, Fixtures.NOW_ISH)))
        .isInstanceOf(Failure.UntrustedRoot.class);
  }

  @Test
  void collateralIsNotExpectedForNitro() {
    assertThat(
            catchFailure(() ->
                AttestationVerifier.readCollateral(PROD, java.util.Optional.of(new byte[] {1}))))
        .isInstanceOf(Failure.Malformed.class);
  }

  static Failure catchFailure(ThrowingRunnable r) {
    try {
      r.run();
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      return e.failure();
    }
    throw new AssertionError("expected a failure");
  }

  interface ThrowingRunnable {
    void run() throws dev.trustdial.tee.attest.VerificationFailedException;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
