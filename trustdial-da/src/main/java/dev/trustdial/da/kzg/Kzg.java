package dev.trustdial.da.kzg;

import java.util.List;

/**
 * The KZG operations the DA layer needs (EIP-4844 commitments, EIP-7594 cells). Implementations
 * hide the native binding; callers only see the value types of this package.
 */
public interface Kzg {
  int CELLS = 128;

  /** Any this many distinct cells of an extended sub-blob recover it (rate 1/2). */
  int RECONSTRUCTION_CELLS = 64;

  KzgCommitment commit(SubBlob subBlob);

  /** The 128 cells of the extended sub-blob and a proof for each. */
  CellsAndProofs cellsAndProofs(SubBlob subBlob);

  /** True iff every check holds; false if any cell does not match its commitment and proof. */
  boolean verifyCells(List<CellCheck> checks);

  /** All 128 cells (and proofs) from at least 64 distinct cells of one sub-blob. */
  CellsAndProofs recover(List<IndexedCell> cells);

  /** EIP-4844 blob proof of a sub-blob sent as a blob of a type-3 transaction (its sidecar). */
  KzgProof blobProof(SubBlob subBlob, KzgCommitment commitment);

  /**
   * The sub-blob's polynomial at {@code z} (32 bytes, big-endian, below the field modulus) and its
   * KZG proof.
   */
  PointOpening openAt(SubBlob subBlob, byte[] z);

  /**
   * EIP-4844's verify_kzg_proof, the point-evaluation precompile's check (without the versioned
   * hash).
   */
  boolean verifyPoint(KzgCommitment commitment, byte[] z, byte[] y, KzgProof proof);
}
