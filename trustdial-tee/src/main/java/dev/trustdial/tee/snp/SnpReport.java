package dev.trustdial.tee.snp;

import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.LittleEndianReader;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.util.Arrays;

/**
 * A parsed AMD SEV-SNP attestation report (1184 bytes, versions 2..5). Layout:
 * docs/spec/attestation.md.
 */
record SnpReport(
    byte[] raw,
    long version,
    long guestSvn,
    long policy,
    byte[] familyId,
    byte[] imageId,
    long vmpl,
    long signatureAlgorithm,
    long platformInfo,
    long keyFlags,
    byte[] reportData,
    byte[] measurement,
    byte[] hostData,
    byte[] idKeyDigest,
    byte[] authorKeyDigest,
    byte[] reportId,
    byte[] reportedTcb,
    byte[] chipId,
    byte[] signatureR,
    byte[] signatureS) {

  static final int SIZE = 0x4A0;
  static final int SIGNED_END = 0x2A0;
  static final long ALGO_ECDSA_P384_SHA384 = 1;
  static final int POLICY_DEBUG_BIT = 19;

  static SnpReport parse(byte[] raw) throws VerificationFailedException {
    if (raw.length != SIZE) {
      throw malformed("is " + raw.length + " bytes, expected " + SIZE);
    }
    var r = new LittleEndianReader(raw, "SEV-SNP report");
    long version = r.u32("VERSION");
    if (version < 2 || version > 5) {
      throw malformed("version " + version + " (supported: 2..5)");
    }
    long guestSvn = r.u32("GUEST_SVN");
    long policy = r.u64("POLICY");
    byte[] familyId = r.bytes(16, "FAMILY_ID");
    byte[] imageId = r.bytes(16, "IMAGE_ID");
    long vmpl = r.u32("VMPL");
    long algo = r.u32("SIGNATURE_ALGO");
    if (algo != ALGO_ECDSA_P384_SHA384) {
      throw malformed("signature algorithm " + algo + " (supported: 1 = ECDSA P-384 SHA-384)");
    }
    r.u64("CURRENT_TCB");
    long platformInfo = r.u64("PLATFORM_INFO");
    long keyFlags = r.u32("KEY_INFO");
    r.u32("reserved");
    byte[] reportData = r.bytes(64, "REPORT_DATA");
    byte[] measurement = r.bytes(48, "MEASUREMENT");
    byte[] hostData = r.bytes(32, "HOST_DATA");
    byte[] idKeyDigest = r.bytes(48, "ID_KEY_DIGEST");
    byte[] authorKeyDigest = r.bytes(48, "AUTHOR_KEY_DIGEST");
    byte[] reportId = r.bytes(32, "REPORT_ID");
    r.bytes(32, "REPORT_ID_MA");
    byte[] reportedTcb = r.bytes(8, "REPORTED_TCB");
    r.bytes(24, "reserved / CPUID");
    byte[] chipId = r.bytes(64, "CHIP_ID");
    assert r.position() == 0x1E0;
    r.bytes(SIGNED_END - 0x1E0, "committed/launch TCB and reserved");
    byte[] sigR = le72(r.bytes(72, "SIGNATURE.R"));
    byte[] sigS = le72(r.bytes(72, "SIGNATURE.S"));
    // The rest of the signature field is reserved and outside the signed bytes: it must be zero,
    // or the same report would have many valid encodings.
    for (byte b : r.bytes(SIZE - r.position(), "signature reserved")) {
      if (b != 0) {
        throw malformed("has non-zero bytes in the reserved part of the signature field");
      }
    }
    return new SnpReport(
        raw,
        version,
        guestSvn,
        policy,
        familyId,
        imageId,
        vmpl,
        algo,
        platformInfo,
        keyFlags,
        reportData,
        measurement,
        hostData,
        idKeyDigest,
        authorKeyDigest,
        reportId,
        reportedTcb,
        chipId,
        sigR,
        sigS);
  }

  /** Bits 4:2 of KEY_INFO: 0 = VCEK signed the report, 1 = VLEK, 7 = unsigned. */
  int signingKey() {
    return (int) (keyFlags >> 2) & 0x7;
  }

  boolean debug() {
    return (policy >> POLICY_DEBUG_BIT & 1) == 1;
  }

  byte[] signedBytes() {
    return Arrays.copyOf(raw, SIGNED_END);
  }

  /** r and s are 72-byte little-endian integers; returns them big-endian. */
  private static byte[] le72(byte[] le) {
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return be;
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed("SEV-SNP report " + detail));
  }
}
