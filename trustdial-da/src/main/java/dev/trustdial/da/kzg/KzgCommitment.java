package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;

/** A KZG commitment to one sub-blob: a compressed BLS12-381 G1 point (48 bytes). */
public record KzgCommitment(Bytes value) {
  public static final int BYTES = 48;

  public KzgCommitment {
    if (value.length() != BYTES) {
      throw new InvalidInputException("a KZG commitment has 48 bytes, got " + value.length());
    }
  }

  /** Copies {@code bytes}. */
  public KzgCommitment(byte[] bytes) {
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
