package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Bytes;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/** What a verifier needs besides the evidence and the anchors, fetched by the caller beforehand. */
public sealed interface Collateral {
  /** Nitro and simulated evidence carry their chains inside. */
  record None() implements Collateral {}

  /**
   * Intel PCS collateral for one TDX platform (FMSPC): TCB info and QE identity with their
   * signatures and issuer chains, the root CA CRL and the PCK CRL with its issuer chain.
   *
   * @param tcbInfoJson the exact signed bytes of the {@code tcbInfo} object, as text
   * @param tcbInfoSignature raw P-256 r||s (64 bytes)
   */
  record Tdx(
      List<X509Certificate> pckCrlIssuerChain,
      X509CRL rootCaCrl,
      X509CRL pckCrl,
      List<X509Certificate> tcbInfoIssuerChain,
      String tcbInfoJson,
      Bytes tcbInfoSignature,
      List<X509Certificate> qeIdentityIssuerChain,
      String qeIdentityJson,
      Bytes qeIdentitySignature)
      implements Collateral {
    public Tdx {
      pckCrlIssuerChain = List.copyOf(pckCrlIssuerChain);
      tcbInfoIssuerChain = List.copyOf(tcbInfoIssuerChain);
      qeIdentityIssuerChain = List.copyOf(qeIdentityIssuerChain);
    }
  }

  /**
   * AMD KDS certificates for one SEV-SNP chip.
   *
   * @param vcek the chip's VCEK for the reported TCB
   * @param ask the product's ASK, or empty for the one shipped with TrustDial
   */
  record Snp(X509Certificate vcek, java.util.Optional<X509Certificate> ask) implements Collateral {}
}
