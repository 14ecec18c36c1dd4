package dev.trustdial.tee.tdx;

import dev.trustdial.tee.attest.LittleEndianReader;
import dev.trustdial.tee.attest.VerificationFailedException;

/** The SGX report of the Quoting Enclave (384 bytes) inside a TDX quote's certification data. */
record EnclaveReport(
    byte[] raw,
    byte[] cpuSvn,
    long miscSelect,
    byte[] attributes,
    byte[] mrEnclave,
    byte[] mrSigner,
    int isvProdId,
    int isvSvn,
    byte[] reportData) {

  static final int SIZE = 384;

  static EnclaveReport parse(byte[] raw) throws VerificationFailedException {
    assert raw.length == SIZE;
    var r = new LittleEndianReader(raw, "QE report");
    byte[] cpuSvn = r.bytes(16, "CPUSVN");
    long miscSelect = r.u32("MISCSELECT");
    r.bytes(28, "reserved");
    byte[] attributes = r.bytes(16, "ATTRIBUTES");
    byte[] mrEnclave = r.bytes(32, "MRENCLAVE");
    r.bytes(32, "reserved");
    byte[] mrSigner = r.bytes(32, "MRSIGNER");
    r.bytes(96, "reserved");
    int isvProdId = r.u16("ISVPRODID");
    int isvSvn = r.u16("ISVSVN");
    r.bytes(60, "reserved");
    byte[] reportData = r.bytes(64, "REPORTDATA");
    assert r.remaining() == 0;
    return new EnclaveReport(
        raw, cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData);
  }
}
