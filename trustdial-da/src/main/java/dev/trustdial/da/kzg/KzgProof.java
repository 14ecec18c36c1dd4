package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;

/** A KZG proof for one cell: a compressed BLS12-381 G1 point (48 bytes). */
public record KzgProof(Bytes value) {
  public static final int BYTES = 48;

  public KzgProof {
    if (value.length() != BYTES) {
      throw new InvalidInputException("a KZG proof has 48 bytes, got " + value.length());
    }
  }

  /** Copies {@code bytes}. */
  public KzgProof(byte[] bytes) {
    this(Bytes.of(bytes));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return value.toArray();
  }

  @Override
  public String toString() {
    return value.toHex();
  }
}
