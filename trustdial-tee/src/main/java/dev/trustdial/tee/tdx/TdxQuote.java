package dev.trustdial.tee.tdx;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.LittleEndianReader;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.util.Arrays;

/**
 * A parsed Intel TDX DCAP quote, version 4 or 5, ECDSA P-256 attestation key, with QE report
 * certification data (type 6) wrapping a PCK certificate chain (type 5). Layout:
 * docs/spec/attestation.md.
 *
 * @param signedBytes the bytes the attestation key signs: header and body (v5: with its type/size)
 */
record TdxQuote(
    int version,
    byte[] qeVendorId,
    TdReport report,
    byte[] signedBytes,
    byte[] signature,
    byte[] attestationKey,
    EnclaveReport qeReport,
    byte[] qeReportSignature,
    byte[] qeAuthData,
    byte[] pckChainPem) {

  static final int HEADER_SIZE = 48;
  static final int ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
  static final long TEE_TYPE_TDX = 0x81;
  static final int CERT_DATA_QE_REPORT = 6;
  static final int CERT_DATA_PCK_CHAIN = 5;
  static final int BODY_TYPE_TD10 = 2;
  static final int BODY_TYPE_TD15 = 3;

  /** Intel's QE vendor id; quotes from other quoting enclaves are refused. */
  static final byte[] INTEL_QE_VENDOR_ID = Hex.decode("939a7233f79c4ca9940a0db3957f0607");

  private static final int MAX_PCK_CHAIN = 16 * 1024;
  private static final int MAX_QE_AUTH_DATA = 1024;

  static TdxQuote parse(byte[] quote) throws VerificationFailedException {
    var r = new LittleEndianReader(quote, "TDX quote");
    int version = r.u16("version");
    if (version != 4 && version != 5) {
      throw malformed("quote version " + version + " (supported: 4, 5)");
    }
    int keyType = r.u16("attestation key type");
    if (keyType != ATTESTATION_KEY_TYPE_ECDSA_P256) {
      throw malformed("attestation key type " + keyType + " (supported: 2 = ECDSA P-256)");
    }
    long teeType = r.u32("TEE type");
    if (teeType != TEE_TYPE_TDX) {
      throw malformed("TEE type 0x" + Long.toHexString(teeType) + " (supported: 0x81 = TDX)");
    }
    r.bytes(4, "reserved");
    byte[] qeVendorId = r.bytes(16, "QE vendor id");
    if (!Arrays.equals(qeVendorId, INTEL_QE_VENDOR_ID)) {
      throw malformed("QE vendor id " + Hex.encodeBare(qeVendorId) + " is not Intel's");
    }
    r.bytes(20, "user data");
    boolean tdx15 = false;
    if (version == 5) {
      int bodyType = r.u16("body type");
      long bodySize = r.u32("body size");
      if (bodyType == BODY_TYPE_TD10 && bodySize == TdReport.SIZE_V10) {
        tdx15 = false;
      } else if (bodyType == BODY_TYPE_TD15 && bodySize == TdReport.SIZE_V15) {
        tdx15 = true;
      } else {
        throw malformed(
            "v5 body type "
                + bodyType
                + " with size "
                + bodySize
                + " (supported: 2/584 = TD report 1.0, 3/648 = TD report 1.5)");
      }
    }
    TdReport report = TdReport.read(r, tdx15);
    byte[] signedBytes = Arrays.copyOf(quote, r.position());
    int sigDataLen = r.length32("signature data length", MAX_PCK_CHAIN + 4096);
    int sigDataEnd = r.position() + sigDataLen;
    byte[] signature = r.bytes(64, "quote signature");
    byte[] attestationKey = r.bytes(64, "attestation key");
    int certType = r.u16("certification data type");
    if (certType != CERT_DATA_QE_REPORT) {
      throw malformed("certification data type " + certType + " (supported: 6 = QE report)");
    }
    int certSize = r.length32("certification data size", MAX_PCK_CHAIN + 2048);
    int certEnd = r.position() + certSize;
    EnclaveReport qeReport = EnclaveReport.parse(r.bytes(EnclaveReport.SIZE, "QE report"));
    byte[] qeReportSignature = r.bytes(64, "QE report signature");
    int authLen = r.u16("QE auth data size");
    if (authLen > MAX_QE_AUTH_DATA) {
      throw malformed("QE auth data is " + authLen + " bytes (max " + MAX_QE_AUTH_DATA + ")");
    }
    byte[] qeAuthData = r.bytes(authLen, "QE auth data");
    int innerType = r.u16("inner certification data type");
    if (innerType != CERT_DATA_PCK_CHAIN) {
      throw malformed("inner certification data type " + innerType + " (supported: 5 = PCK chain)");
    }
    int chainLen = r.length32("PCK chain size", MAX_PCK_CHAIN);
    byte[] pckChainPem = r.bytes(chainLen, "PCK chain");
    if (r.position() != certEnd || r.position() != sigDataEnd) {
      throw malformed(
          "certification data sizes disagree ("
              + certEnd
              + ", "
              + sigDataEnd
              + ") with the parsed end "
              + r.position());
    }
    // Some producers pad quotes to a fixed size; only zero padding is tolerated.
    byte[] rest = r.bytes(r.remaining(), "padding");
    for (byte b : rest) {
      if (b != 0) {
        throw malformed("non-zero bytes after the end of the quote");
      }
    }
    return new TdxQuote(
        version,
        qeVendorId,
        report,
        signedBytes,
        signature,
        attestationKey,
        qeReport,
        qeReportSignature,
        qeAuthData,
        pckChainPem);
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed("TDX quote: " + detail));
  }
}
