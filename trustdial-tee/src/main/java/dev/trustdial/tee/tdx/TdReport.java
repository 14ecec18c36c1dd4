package dev.trustdial.tee.tdx;

import dev.trustdial.tee.attest.LittleEndianReader;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TD report body of a TDX quote: TDX 1.0 (584 bytes) or TDX 1.5 (648 bytes, adds TEE_TCB_SVN2
 * and MRSERVICETD). Field order and sizes: docs/spec/attestation.md.
 */
record TdReport(
    byte[] teeTcbSvn,
    byte[] mrSeam,
    byte[] mrSignerSeam,
    byte[] seamAttributes,
    byte[] tdAttributes,
    byte[] xfam,
    byte[] mrTd,
    byte[] mrConfigId,
    byte[] mrOwner,
    byte[] mrOwnerConfig,
    byte[][] rtmrs,
    byte[] reportData,
    byte[] teeTcbSvn2,
    byte[] mrServiceTd) {

  static final int SIZE_V10 = 584;
  static final int SIZE_V15 = 648;

  static TdReport read(LittleEndianReader r, boolean tdx15) throws VerificationFailedException {
    byte[] teeTcbSvn = r.bytes(16, "TEE_TCB_SVN");
    byte[] mrSeam = r.bytes(48, "MRSEAM");
    byte[] mrSignerSeam = r.bytes(48, "MRSIGNERSEAM");
    byte[] seamAttributes = r.bytes(8, "SEAMATTRIBUTES");
    byte[] tdAttributes = r.bytes(8, "TDATTRIBUTES");
    byte[] xfam = r.bytes(8, "XFAM");
    byte[] mrTd = r.bytes(48, "MRTD");
    byte[] mrConfigId = r.bytes(48, "MRCONFIGID");
    byte[] mrOwner = r.bytes(48, "MROWNER");
    byte[] mrOwnerConfig = r.bytes(48, "MROWNERCONFIG");
    byte[][] rtmrs = new byte[4][];
    for (int i = 0; i < 4; i++) {
      rtmrs[i] = r.bytes(48, "RTMR" + i);
    }
    byte[] reportData = r.bytes(64, "REPORTDATA");
    byte[] teeTcbSvn2 = tdx15 ? r.bytes(16, "TEE_TCB_SVN2") : new byte[0];
    byte[] mrServiceTd = tdx15 ? r.bytes(48, "MRSERVICETD") : new byte[0];
    return new TdReport(
        teeTcbSvn,
        mrSeam,
        mrSignerSeam,
        seamAttributes,
        tdAttributes,
        xfam,
        mrTd,
        mrConfigId,
        mrOwner,
        mrOwnerConfig,
        rtmrs,
        reportData,
        teeTcbSvn2,
        mrServiceTd);
  }

  /** TDATTRIBUTES bit 0 (TUD.DEBUG): the host can read and change the TD's memory. */
  boolean debug() {
    return (tdAttributes[0] & 0x01) != 0;
  }

  List<NamedBytes> measurements() {
    List<NamedBytes> m = new ArrayList<>();
    m.add(new NamedBytes("MRTD", mrTd));
    for (int i = 0; i < 4; i++) {
      m.add(new NamedBytes("RTMR" + i, rtmrs[i]));
    }
    m.add(new NamedBytes("MRCONFIGID", mrConfigId));
    m.add(new NamedBytes("MROWNER", mrOwner));
    m.add(new NamedBytes("MROWNERCONFIG", mrOwnerConfig));
    m.add(new NamedBytes("MRSEAM", mrSeam));
    m.add(new NamedBytes("MRSIGNERSEAM", mrSignerSeam));
    if (mrServiceTd.length > 0) {
      m.add(new NamedBytes("MRSERVICETD", mrServiceTd));
    }
    return m;
  }

  List<NamedBytes> fields() {
    List<NamedBytes> f = new ArrayList<>();
    f.add(new NamedBytes("TEE_TCB_SVN", teeTcbSvn));
    if (teeTcbSvn2.length > 0) {
      f.add(new NamedBytes("TEE_TCB_SVN2", teeTcbSvn2));
    }
    f.add(new NamedBytes("SEAMATTRIBUTES", seamAttributes));
    f.add(new NamedBytes("TDATTRIBUTES", tdAttributes));
    f.add(new NamedBytes("XFAM", xfam));
    return f;
  }
}
