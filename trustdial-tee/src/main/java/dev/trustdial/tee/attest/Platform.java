package dev.trustdial.tee.attest;

/** The TEE platform that produced a piece of evidence. */
public enum Platform {
  INTEL_TDX,
  AMD_SEV_SNP,
  AWS_NITRO,
  /** TrustDial's dev backend: no hardware, signed by a per-install key. Never secure. */
  SIMULATED
}
