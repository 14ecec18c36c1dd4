package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;

/** A KZG commitment to one sub-blob: a compressed BLS12-381 G1 point (48 bytes). */
public record KzgCommitment(byte[] bytes) {
  public static final int BYTES = 48;

  public KzgCommitment {
    if (bytes.length != BYTES) {
      throw new InvalidInputException("a KZG commitment has 48 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KzgCommitment other && Arrays.equals(bytes, other.bytes);
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
