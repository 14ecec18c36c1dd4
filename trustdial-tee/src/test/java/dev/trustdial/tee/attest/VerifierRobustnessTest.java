package dev.trustdial.tee.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Hostile bytes get a typed answer, never an exception: random multi-byte corruption and truncation
 * of every real evidence kind is refused (or, for the unsigned PEM whitespace of a TDX quote, at
 * most still valid), and never crashes the verifier.
 */
class VerifierRobustnessTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());

  record Sample(String name, byte[] evidence, Collateral collateral, java.time.Instant at) {}

  static final List<Sample> SAMPLES =
      List.of(
          new Sample(
              "tdx",
              Fixtures.read("tdx/phala_tdx_quote"),
              Fixtures.collateral("tdx/phala_tdx_quote", "tdx/phala_tdx_collateral.json"),
              Fixtures.TDX_V4_AT),
          new Sample(
              "snp",
              Fixtures.read("sev-snp/report.bin"),
              Fixtures.collateral("sev-snp/report.bin", "sev-snp/vcek.der"),
              Fixtures.SNP_AT),
          new Sample(
              "nitro",
              Fixtures.read("nitro/anjuna_prod_pk.bin"),
              new Collateral.None(),
              Fixtures.NOW_ISH));

  @Provide
  Arbitrary<Sample> samples() {
    return Arbitraries.of(SAMPLES);
  }

  @Property(tries = 120)
  void corruptedEvidenceIsRefusedWithoutThrowing(
      @ForAll("samples") Sample s,
      @ForAll @IntRange(min = 1, max = 8) int flips,
      @ForAll long seed) {
    byte[] b = s.evidence().clone();
    var rnd = new java.util.Random(seed);
    for (int i = 0; i < flips; i++) {
      b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
    }
    VerificationResult r = VERIFIER.verify(b, s.collateral(), s.at());
    if (r.isValid()) {
      // Only possible when every change fell into bytes no check covers: TDX PEM text.
      assertThat(s.name()).isEqualTo("tdx");
    }
  }

  @Property(tries = 60)
  void truncatedEvidenceIsMalformed(
      @ForAll("samples") Sample s, @ForAll @IntRange(min = 1, max = 4000) int cut) {
    // The TDX sample carries 70 bytes of zero padding after the quote proper (4936 bytes).
    int end = s.name().equals("tdx") ? 4936 : s.evidence().length;
    int len = Math.max(0, end - cut);
    VerificationResult r =
        VERIFIER.verify(Arrays.copyOf(s.evidence(), len), s.collateral(), s.at());
    assertThat(r.isValid()).isFalse();
  }
}
