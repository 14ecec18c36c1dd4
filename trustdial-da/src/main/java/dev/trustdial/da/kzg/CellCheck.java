package dev.trustdial.da.kzg;

/**
 * One claim to verify: {@code cell} is cell {@code cellIndex} of the sub-blob committed to by
 * {@code commitment}.
 */
public record CellCheck(KzgCommitment commitment, int cellIndex, Cell cell, KzgProof proof) {
  public CellCheck {
    if (cellIndex < 0 || cellIndex >= Kzg.CELLS) {
      throw new IllegalArgumentException("cell index out of range: " + cellIndex);
    }
  }
}
