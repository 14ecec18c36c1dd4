package dev.trustdial.tee.attest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/** Reads the real evidence under src/test/resources/attestation (see its README.md). */
public final class Fixtures {
  /**
   * Inside every window of phala_tdx_collateral.json (2025-06-19T10:32:27Z ..
   * 2025-07-19T10:00:35Z).
   */
  public static final Instant TDX_V4_AT = Instant.parse("2025-07-01T00:00:00Z");

  /** Inside every window of phala_tdx_quote_outdated_collateral.json. */
  public static final Instant TDX_V5_AT = Instant.parse("2026-03-01T00:00:00Z");

  /** Inside the VCEK's validity (2022-09-24 .. 2029-09-24). */
  public static final Instant SNP_AT = Instant.parse("2025-01-01T00:00:00Z");

  public static final Instant NOW_ISH = Instant.parse("2026-11-01T00:00:00Z");

  private Fixtures() {}

  public static byte[] read(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/attestation/" + path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource attestation/" + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] flip(byte[] b, int offset) {
    byte[] c = b.clone();
    c[offset] ^= 0x01;
    return c;
  }

  public static Collateral collateral(String evidence, String collateralFile) {
    try {
      return AttestationVerifier.readCollateral(read(evidence), Optional.of(read(collateralFile)));
    } catch (VerificationFailedException e) {
      throw new AssertionError(e.failure().message());
    }
  }

  public static Failure failureOf(VerificationResult r) {
    if (r instanceof VerificationResult.Invalid(Failure f)) {
      return f;
    }
    throw new AssertionError("expected a failure, got " + r);
  }

  public static Verdict verdictOf(VerificationResult r) {
    if (r instanceof VerificationResult.Valid(Verdict v)) {
      return v;
    }
    throw new AssertionError(
        "expected a verdict, got " + ((VerificationResult.Invalid) r).failure().message());
  }
}
