package dev.trustdial.tee.attest;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvidenceEnvelopeTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] SNP = read("sev-snp/report.bin");
  static final byte[] VCEK = read("sev-snp/vcek.der");

  @Test
  void envelopeCarriesEvidenceAndCollateral() throws Exception {
    byte[] tdx =
        EvidenceEnvelope.of(
                read("tdx/phala_tdx_quote"), Optional.of(read("tdx/phala_tdx_collateral.json")))
            .encode();
    assertThat(Fixtures.verdictOf(VERIFIER.verifyEnvelope(tdx, Fixtures.TDX_V4_AT)).platform())
        .isEqualTo(Platform.INTEL_TDX);
    byte[] nitro = EvidenceEnvelope.of(read("nitro/anjuna_prod.bin"), Optional.empty()).encode();
    assertThat(VERIFIER.verifyEnvelope(nitro, Fixtures.NOW_ISH).isValid()).isTrue();
    assertThat(EvidenceEnvelope.decode(nitro).collateral()).isEmpty();
  }

  /** Header vector in docs/spec/attestation.md. */
  @Test
  void headerMatchesTheSpecVector() throws Exception {
    byte[] env = EvidenceEnvelope.of(SNP, Optional.of(VCEK)).encode();
    assertThat(Hex.encodeBare(Arrays.copyOf(env, 16)))
        .isEqualTo("5444455645 4e5631 01 02 000004a0 0200".replace(" ", ""));
    assertThat(Hex.encodeBare(Arrays.copyOfRange(env, 14 + 1184, 14 + 1184 + 4)))
        .isEqualTo("00000550");
    assertThat(env).hasSize(8 + 2 + 4 + 1184 + 4 + 1360);
    assertThat(VERIFIER.verifyEnvelope(env, Fixtures.SNP_AT).isValid()).isTrue();
  }

  @Test
  void inconsistentEnvelopesAreMalformed() throws Exception {
    byte[] env = EvidenceEnvelope.of(SNP, Optional.of(VCEK)).encode();
    byte[] wrongPlatform = env.clone();
    wrongPlatform[9] = 1;
    assertThat(failureOf(VERIFIER.verifyEnvelope(wrongPlatform, Fixtures.SNP_AT)).message())
        .contains("platform");
    byte[] trailing = Arrays.copyOf(env, env.length + 1);
    assertThat(failureOf(VERIFIER.verifyEnvelope(trailing, Fixtures.SNP_AT)).message())
        .contains("trailing");
    assertThat(failureOf(VERIFIER.verifyEnvelope(Arrays.copyOf(env, 100), Fixtures.SNP_AT)))
        .isInstanceOf(Failure.Malformed.class);
    byte[] noCollateral = EvidenceEnvelope.of(SNP, Optional.empty()).encode();
    assertThat(failureOf(VERIFIER.verifyEnvelope(noCollateral, Fixtures.SNP_AT)).message())
        .contains("VCEK");
  }
}
