package dev.trustdial.tee.attest;

import dev.trustdial.tee.nitro.NitroDocumentVerifier;
import dev.trustdial.tee.sim.SimulatedEvidenceVerifier;
import dev.trustdial.tee.snp.SnpReportVerifier;
import dev.trustdial.tee.tdx.TdxCollateralJson;
import dev.trustdial.tee.tdx.TdxQuoteVerifier;
import dev.trustdial.tee.x509.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The entry point for attestation: evidence bytes + collateral + trust anchors + a verification
 * time in, a verdict or a typed failure out. No wall clock and no network inside, so a verdict
 * can be reproduced later by anyone with the same inputs.
 */
public final class AttestationVerifier {
  private final TrustAnchors anchors;

  public AttestationVerifier(TrustAnchors anchors) {
    this.anchors = anchors;
  }

  public VerificationResult verify(byte[] evidence, Collateral collateral, Instant at) {
    try {
      Evidence e = Evidence.detect(evidence);
      Verdict v = switch (e) {
        case Evidence.TdxQuote q -> {
          if (!(collateral instanceof Collateral.Tdx tdx)) {
            throw missing("TDX quotes need Intel PCS collateral (TCB info, QE identity, CRLs)");
          }
          yield TdxQuoteVerifier.verify(q.bytes(), tdx, anchors.intelSgxRoot(), at);
        }
        case Evidence.SnpReport r -> {
          if (!(collateral instanceof Collateral.Snp snp)) {
            throw missing("SEV-SNP reports need the chip's VCEK certificate as collateral");
          }
          yield SnpReportVerifier.verify(r.bytes(), snp, anchors, at);
        }
        case Evidence.NitroDocument d -> NitroDocumentVerifier.verify(d.bytes(), anchors.awsNitroRoot(), at);
        case Evidence.Simulated s -> SimulatedEvidenceVerifier.verify(s.bytes(), anchors.simulationRoots(), at);
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
      byte[] evidence = env.evidence().bytes();
      return verify(evidence, readCollateral(evidence, env.collateral()), at);
    } catch (VerificationFailedException ex) {
      return new VerificationResult.Invalid(ex.failure());
    }
  }

  /** Verifies, then applies the policy (debug, simulation, TCB status). */
  public VerificationResult verify(byte[] evidence, Collateral collateral, Instant at, AttestationPolicy policy) {
    return policy.apply(verify(evidence, collateral, at));
  }

  /**
   * Reads a collateral file for the given evidence: the TDX collateral JSON, or the VCEK (DER or
   * PEM, optionally followed by the ASK) for SEV-SNP; Nitro and simulated evidence take none.
   */
  public static Collateral readCollateral(byte[] evidence, Optional<byte[]> file)
      throws VerificationFailedException {
    Evidence e = Evidence.detect(evidence);
    return switch (e) {
      case Evidence.TdxQuote q -> TdxCollateralJson.parse(
          file.orElseThrow(() -> missing("a TDX quote needs --collateral (Intel PCS collateral JSON)")));
      case Evidence.SnpReport r -> {
        List<X509Certificate> certs = Certificates.fromDerOrPem(
            file.orElseThrow(() -> missing("an SEV-SNP report needs --collateral (the VCEK, DER or PEM)")),
            "SEV-SNP collateral");
        if (certs.size() > 2) {
          throw new VerificationFailedException(
              new Failure.Malformed("SEV-SNP collateral holds the VCEK and at most the ASK"));
        }
        yield new Collateral.Snp(certs.getFirst(), certs.size() == 2 ? Optional.of(certs.get(1)) : Optional.empty());
      }
      case Evidence.NitroDocument d -> none(file, "Nitro documents carry their certificates");
      case Evidence.Simulated s -> none(file, "simulated evidence carries its certificates");
    };
  }

  private static Collateral none(Optional<byte[]> file, String why) throws VerificationFailedException {
    if (file.isPresent()) {
      throw new VerificationFailedException(new Failure.Malformed("no collateral expected: " + why));
    }
    return new Collateral.None();
  }

  private static VerificationFailedException missing(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
