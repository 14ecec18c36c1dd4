package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Raw evidence bytes, classified by format. Classification only looks at the leading bytes; the
 * platform verifier parses the rest strictly.
 */
public sealed interface Evidence {
  /** Evidence larger than this is refused before parsing (real quotes are ~5 KiB). */
  int MAX_BYTES = 64 * 1024;

  /** Leading magic of TrustDial's simulated evidence (docs/spec/attestation.md). */
  byte[] SIMULATED_MAGIC = "TDSIMEV1".getBytes(StandardCharsets.US_ASCII);

  Bytes bytes();

  Platform platform();

  record TdxQuote(Bytes bytes) implements Evidence {
    public Platform platform() {
      return Platform.INTEL_TDX;
    }
  }

  record SnpReport(Bytes bytes) implements Evidence {
    public Platform platform() {
      return Platform.AMD_SEV_SNP;
    }
  }

  record NitroDocument(Bytes bytes) implements Evidence {
    public Platform platform() {
      return Platform.AWS_NITRO;
    }
  }

  record Simulated(Bytes bytes) implements Evidence {
    public Platform platform() {
      return Platform.SIMULATED;
    }
  }

  /** Classifies evidence bytes: simulated magic, COSE_Sign1, TDX quote header, SNP report size. */
  static Evidence detect(byte[] b) throws VerificationFailedException {
    return classify(b)
        .orElseThrow(() ->
            new VerificationFailedException(
                new Failure.Malformed(
                    "unrecognised evidence: not a TDX quote v4/v5, a 1184-byte SEV-SNP report, a Nitro"
                        + " COSE_Sign1 document or TrustDial simulated evidence")));
  }

  /**
   * As {@link #detect}, but empty when the bytes are no known kind of evidence (a caller may then
   * try other readings of them); sizes out of range and unsupported variants still throw.
   */
  static Optional<Evidence> classify(byte[] b) throws VerificationFailedException {
    if (b.length == 0 || b.length > MAX_BYTES) {
      throw new VerificationFailedException(
          new Failure.Malformed("evidence is " + b.length + " bytes (1.." + MAX_BYTES + ")"));
    }
    if (b.length >= SIMULATED_MAGIC.length
        && Arrays.equals(
            b, 0, SIMULATED_MAGIC.length, SIMULATED_MAGIC, 0, SIMULATED_MAGIC.length)) {
      return Optional.of(new Simulated(Bytes.of(b)));
    }
    // COSE_Sign1: CBOR tag 18 (0xD2) or the bare 4-element array (0x84) Nitro emits.
    if ((b[0] & 0xFF) == 0xD2 || (b[0] & 0xFF) == 0x84) {
      return Optional.of(new NitroDocument(Bytes.of(b)));
    }
    if (hasTdxHeader(b)) {
      return Optional.of(new TdxQuote(Bytes.of(b)));
    }
    if (b.length >= 8) {
      int version = u16(b, 0);
      long teeType = u16(b, 4) | ((long) u16(b, 6) << 16);
      if ((version == 4 || version == 5) && teeType == 0) {
        throw new VerificationFailedException(
            new Failure.Malformed(
                "SGX enclave quotes are not supported, only TDX (tee type 0x81)"));
      }
    }
    if (b.length == 0x4A0) {
      return Optional.of(new SnpReport(Bytes.of(b)));
    }
    return Optional.empty();
  }

  /** u16 LE version 4|5, u16 key type 2 (ECDSA P-256), u32 TEE type 0x81 (TDX). */
  static boolean hasTdxHeader(byte[] b) {
    if (b.length < 8) {
      return false;
    }
    int version = u16(b, 0);
    long teeType = u16(b, 4) | ((long) u16(b, 6) << 16);
    return (version == 4 || version == 5) && u16(b, 2) == 2 && teeType == 0x81;
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }
}
