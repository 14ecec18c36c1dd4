package dev.trustdial.tee.tdx;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.x509.Certificates;
import java.nio.charset.StandardCharsets;

/**
 * Reads the TDX collateral file (docs/spec/attestation.md): one JSON object with the PCS responses,
 * the same shape Phala's dcap-qvl and Intel's QCNL hand out.
 */
public final class TdxCollateralJson {
  private TdxCollateralJson() {}

  public static Collateral.Tdx parse(byte[] file) throws VerificationFailedException {
    if (file.length > IntelJson.MAX_JSON_BYTES) {
      throw IntelJson.malformed(
          "TDX collateral file is over " + IntelJson.MAX_JSON_BYTES + " bytes");
    }
    IntelJson j = IntelJson.parse(new String(file, StandardCharsets.UTF_8), "TDX collateral");
    return new Collateral.Tdx(
        Certificates.fromPemChain(j.text("pck_crl_issuer_chain"), "pck_crl_issuer_chain"),
        Certificates.crlFromDer(hex(j, "root_ca_crl"), "root CA CRL"),
        Certificates.crlFromDer(hex(j, "pck_crl"), "PCK CRL"),
        Certificates.fromPemChain(j.text("tcb_info_issuer_chain"), "tcb_info_issuer_chain"),
        j.text("tcb_info"),
        Bytes.of(j.hex("tcb_info_signature", 64)),
        Certificates.fromPemChain(j.text("qe_identity_issuer_chain"), "qe_identity_issuer_chain"),
        j.text("qe_identity"),
        Bytes.of(j.hex("qe_identity_signature", 64)));
  }

  private static byte[] hex(IntelJson j, String name) throws VerificationFailedException {
    try {
      return Hex.decode(j.text(name));
    } catch (dev.trustdial.core.InvalidInputException e) {
      throw IntelJson.malformed(name + ": " + e.getMessage());
    }
  }
}
