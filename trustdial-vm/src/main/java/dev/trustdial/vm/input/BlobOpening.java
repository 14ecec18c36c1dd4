package dev.trustdial.vm.input;

import dev.trustdial.core.bytes.Bytes32;
import java.util.Arrays;

/**
 * A KZG opening of one field element of a blob (docs/spec/vm.md §4.1.1, §9.2): its value {@code y}
 * (32 bytes big-endian, byte 0 zero in a DA sub-blob), the blob's 48-byte commitment and the
 * 48-byte proof that the blob's polynomial takes {@code y} at the element's evaluation point.
 */
public record BlobOpening(Bytes32 y, byte[] commitment, byte[] proof) {
  public BlobOpening {
    if (commitment.length != 48 || proof.length != 48) {
      throw new IllegalArgumentException("a KZG commitment and proof are 48 bytes each");
    }
    commitment = commitment.clone();
    proof = proof.clone();
  }

  @Override
  public byte[] commitment() {
    return commitment.clone();
  }

  @Override
  public byte[] proof() {
    return proof.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlobOpening b
        && y.equals(b.y)
        && Arrays.equals(commitment, b.commitment)
        && Arrays.equals(proof, b.proof);
  }

  @Override
  public int hashCode() {
    return 31 * y.hashCode() + Arrays.hashCode(commitment);
  }
}
