package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;

/** A KZG proof for one cell: a compressed BLS12-381 G1 point (48 bytes). */
public record KzgProof(byte[] bytes) {
  public static final int BYTES = 48;

  public KzgProof {
    if (bytes.length != BYTES) {
      throw new InvalidInputException("a KZG proof has 48 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KzgProof other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return Hex.encode(bytes);
  }
}
