package dev.trustdial.da.inspect;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the DA layer says about one blob without fetching its data: its header, its recorded
 * certificate with each signer's stake and share of the total weight (docs/spec/da.md §6), and the
 * operator set of its reference block with the chunks each node was assigned (§5).
 */
public record BlobInspection(
    Bytes32 blobKey,
    int size,
    long referenceBlock,
    long expiry,
    int subBlobCount,
    Optional<CertificateReport> certificate,
    List<NodeAssignment> nodes) {
  public BlobInspection {
    nodes = List.copyOf(nodes);
  }

  /**
   * The certificate as registered: its signers, the stake they sum to against the set's total
   * weight, whether that meets the confirmation threshold, and how many chunks the signers' shares
   * guarantee (64 are needed to rebuild the blob).
   */
  public record CertificateReport(
      String source,
      List<Signer> signers,
      BigInteger signedStake,
      BigInteger totalWeight,
      int thresholdBps,
      boolean quorumMet,
      int guaranteedChunks) {
    public CertificateReport {
      signers = List.copyOf(signers);
    }
  }

  /**
   * One attestation's signer: its index in the operator set (empty when the signer is not in the
   * set of the reference block, e.g. a signature for another domain), its stake and share in basis
   * points.
   */
  public record Signer(
      Address signer, Optional<Integer> operatorIndex, BigInteger stake, int shareBps) {}

  /**
   * A DA node of the reference block's set: its stake share, whether it signed, and the chunk
   * indices assigned to it.
   */
  public record NodeAssignment(
      int operatorIndex,
      Address signer,
      URI endpoint,
      BigInteger stake,
      int shareBps,
      boolean signed,
      List<Integer> assignedChunks) {
    public NodeAssignment {
      assignedChunks = List.copyOf(assignedChunks);
    }
  }
}
