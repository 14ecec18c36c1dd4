package dev.trustdial.tee.attest;

import dev.trustdial.tee.nitro.NitroDocumentVerifier;
import dev.trustdial.tee.sim.SimulatedEvidenceVerifier;
import dev.trustdial.tee.snp.SnpReportVerifier;
import dev.trustdial.tee.tdx.TdxQuoteVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The entry point for attestation: evidence bytes + collateral + trust anchors + a verification
 * time in, a verdict or a typed failure out. No wall clock and no network inside, so a verdict can
 * be reproduced later by anyone with the same inputs.
 */
public final class AttestationVerifier {
  private final TrustAnchors anchors;

  public AttestationVerifier(TrustAnchors anchors) {
    this.anchors = anchors;
  }

  public VerificationResult verify(byte[] evidence, Collateral collateral, Instant at) {
    try {
      Evidence e = Evidence.detect(evidence);
      Verdict v =
          switch (e) {
            case Evidence.TdxQuote q -> {
              if (!(collateral instanceof Collateral.Tdx tdx)) {
                throw missing("TDX quotes need Intel PCS collateral (TCB info, QE identity, CRLs)");
              }
              yield TdxQuoteVerifier.verify(q.bytes().toArray(), tdx, anchors.intelSgxRoot(), at);
            }
            case Evidence.SnpReport r -> {
              if (!(collateral instanceof Collateral.Snp snp)) {
                throw missing("SEV-SNP reports need the chip's VCEK certificate as collateral");
              }
              yield SnpReportVerifier.verify(r.bytes().toArray(), snp, anchors, at);
            }
            case Evidence.NitroDocument d ->
                NitroDocumentVerifier.verify(d.bytes().toArray(), anchors.awsNitroRoot(), at);
            case Evidence.Simulated s ->
                SimulatedEvidenceVerifier.verify(
                    s.bytes().toArray(), anchors.simulationRoots(), at);
          };
      assert v.platform() == e.platform() : "verifier returned another platform's verdict";
      assert v.simulated() == (e instanceof Evidence.Simulated);
      return new VerificationResult.Valid(v);
    } catch (VerificationFailedException ex) {
      return new VerificationResult.Invalid(ex.failure());
    }
  }

  /** Verifies an {@link EvidenceEnvelope} (evidence with its collateral) at {@code at}. */
  public VerificationResult verifyEnvelope(byte[] envelope, Instant at) {
    try {
      EvidenceEnvelope env = EvidenceEnvelope.decode(envelope);
      byte[] evidence = env.evidence().bytes().toArray();
      return verify(evidence, readCollateral(evidence, env.collateral()), at);
    } catch (VerificationFailedException ex) {
      return new VerificationResult.Invalid(ex.failure());
    }
  }

  /** Verifies, then applies the policy (debug, simulation, TCB status). */
  public VerificationResult verify(
      byte[] evidence, Collateral collateral, Instant at, AttestationPolicy policy) {
    return policy.apply(verify(evidence, collateral, at));
  }

  /**
   * Reads a collateral file for the given evidence: the TDX collateral JSON, or the VCEK (DER or
   * PEM, optionally with the ASK, also as concatenated DER) for SEV-SNP; Nitro and simulated
   * evidence take none. Several files (Intel's raw PCS responses): {@link CollateralFiles}.
   */
  public static Collateral readCollateral(byte[] evidence, Optional<byte[]> file)
      throws VerificationFailedException {
    List<CollateralFiles.Input> files =
        file.map(b -> List.of(new CollateralFiles.Input("collateral", b))).orElse(List.of());
    return CollateralFiles.read(evidence, files).collateral();
  }

  private static VerificationFailedException missing(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
