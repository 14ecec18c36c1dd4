package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.kzg.Kzg;
import java.math.BigInteger;

/**
 * The security check of docs/spec/da.md §6 for attestations in one domain, against the operator set
 * of the header's reference block.
 */
public final class CertificateVerifier {
  private static final BigInteger CHUNKS = BigInteger.valueOf(Kzg.CELLS);
  private final SecurityParams params;
  private final AttestationDomain domain;

  public CertificateVerifier(SecurityParams params, AttestationDomain domain) {
    this.params = params;
    this.domain = domain;
  }

  /** The confirmation threshold signed stake must reach, in basis points of the total weight. */
  public int thresholdBps() {
    return params.confirmationThresholdBps();
  }

  /** The domain whose attestations this verifier counts. */
  public AttestationDomain domain() {
    return domain;
  }

  public CertificateCheck check(DaCertificate cert, OperatorSet set, long nowSeconds) {
    BlobHeader h = cert.header();
    if (set.referenceBlock() != h.referenceBlock()) {
      return new CertificateCheck.Invalid(
          "operator set is for block "
              + set.referenceBlock()
              + ", header references block "
              + h.referenceBlock());
    }
    if (nowSeconds >= h.expiry()) {
      return new CertificateCheck.Invalid(
          "blob expired at " + h.expiry() + " (now " + nowSeconds + ")");
    }
    Bytes32 key = h.blobKey();
    BigInteger total = set.totalWeight();
    BigInteger signed = BigInteger.ZERO;
    int chunks = 0;
    for (OperatorSignature s : cert.signatures()) {
      if (s.operatorIndex() >= set.size()) {
        return new CertificateCheck.Invalid(
            "signer index "
                + s.operatorIndex()
                + " is outside the "
                + set.size()
                + "-operator set");
      }
      Address expected = set.get(s.operatorIndex()).signer();
      Address actual;
      try {
        actual = Attestation.signer(domain, key, s.signature());
      } catch (InvalidInputException e) {
        return new CertificateCheck.Invalid(
            "signature of operator " + s.operatorIndex() + " is malformed");
      }
      if (!actual.equals(expected)) {
        return new CertificateCheck.Invalid(
            "signature of operator "
                + s.operatorIndex()
                + " recovers to "
                + actual
                + ", not "
                + expected
                + ", in the "
                + domain
                + " (a wrong key, or signed for another chain or registry)");
      }
      BigInteger stake = set.get(s.operatorIndex()).stake();
      signed = signed.add(stake);
      // floor(128 · stake / W): at most the operator's assigned chunks, since W ≥ the members' sum
      chunks += stake.multiply(CHUNKS).divide(total).intValueExact();
    }
    if (signed
            .multiply(BigInteger.valueOf(10_000))
            .compareTo(total.multiply(BigInteger.valueOf(params.confirmationThresholdBps())))
        < 0) {
      return new CertificateCheck.Invalid(
          "signed stake "
              + signed
              + " of "
              + total
              + " is below the "
              + params.confirmationThresholdBps()
              + " bps confirmation threshold");
    }
    if (chunks < Kzg.RECONSTRUCTION_CELLS) {
      return new CertificateCheck.Invalid(
          "signers' stake shares guarantee "
              + chunks
              + " chunks, fewer than the 64 needed to reconstruct");
    }
    return new CertificateCheck.Valid(signed, total, chunks);
  }
}
