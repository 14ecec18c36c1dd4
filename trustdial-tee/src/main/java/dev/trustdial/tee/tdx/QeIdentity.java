package dev.trustdial.tee.tdx;

import dev.trustdial.tee.attest.VerificationFailedException;
import java.time.Instant;
import java.util.List;

/** Intel's identity of the TDX Quoting Enclave (the signed {@code enclaveIdentity}, id TD_QE). */
record QeIdentity(
    Instant issueDate,
    Instant nextUpdate,
    long miscSelect,
    long miscSelectMask,
    byte[] attributes,
    byte[] attributesMask,
    byte[] mrSigner,
    int isvProdId,
    List<TcbInfo.IsvLevel> levels) {

  static QeIdentity parse(String json) throws VerificationFailedException {
    IntelJson j = IntelJson.parse(json, "qeIdentity");
    if (!j.text("id").equals("TD_QE")) {
      throw IntelJson.malformed("qeIdentity.id is '" + j.text("id") + "', expected TD_QE");
    }
    if (j.integer("version") != 2) {
      throw IntelJson.malformed("qeIdentity.version " + j.integer("version") + " (supported: 2)");
    }
    return new QeIdentity(
        j.time("issueDate"),
        j.time("nextUpdate"),
        u32(j.hex("miscselect", 4)),
        u32(j.hex("miscselectMask", 4)),
        j.hex("attributes", 16),
        j.hex("attributesMask", 16),
        j.hex("mrsigner", 32),
        (int) j.integer("isvprodid"),
        TcbInfo.isvLevels(j));
  }

  /** The JSON writes MISCSELECT big-endian as hex text. */
  private static long u32(byte[] be) {
    return (be[0] & 0xFFL) << 24 | (be[1] & 0xFFL) << 16 | (be[2] & 0xFFL) << 8 | (be[3] & 0xFFL);
  }
}
