package dev.trustdial.tee.attest;

/** A region of evidence or collateral covered by one signature; names where a check failed. */
public enum SignedRegion {
  TDX_QUOTE("TDX quote header and TD report, signed by the attestation key"),
  TDX_QE_REPORT("TDX QE report, signed by the PCK key"),
  TDX_TCB_INFO("TCB info, signed by the Intel TCB signing key"),
  TDX_QE_IDENTITY("QE identity, signed by the Intel TCB signing key"),
  TDX_CRL("certificate revocation list"),
  SNP_REPORT("SEV-SNP report bytes [0, 0x2A0), signed by the VCEK"),
  NITRO_DOCUMENT("Nitro COSE_Sign1 protected header and payload, signed by the enclave leaf key"),
  SIMULATED_EVIDENCE("simulated evidence body, signed by the install's simulation key");

  private final String description;

  SignedRegion(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
