package dev.trustdial.core.bytes;

import dev.trustdial.core.InvalidInputException;
import java.util.Arrays;

/** Exactly 32 bytes: hashes, commitments, blob keys. Immutable; validates on construction. */
public record Bytes32(byte[] bytes) implements Comparable<Bytes32> {
  public static final Bytes32 ZERO = new Bytes32(new byte[32]);

  public Bytes32 {
    if (bytes.length != 32) {
      throw new InvalidInputException("expected 32 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  public static Bytes32 fromHex(String hex) {
    return new Bytes32(Hex.decode(hex));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String toHex() {
    return Hex.encode(bytes);
  }

  public boolean isZero() {
    return Arrays.equals(bytes, ZERO.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes32 other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Bytes32 o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
