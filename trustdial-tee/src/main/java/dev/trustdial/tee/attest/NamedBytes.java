package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Bytes;

/** A named value taken from signed evidence: a measurement register or another signed field. */
public record NamedBytes(String name, Bytes value) {
  public NamedBytes {
    if (name.isBlank()) {
      throw new IllegalArgumentException("a measurement needs a name");
    }
  }

  /** A copy of {@code value}. */
  public NamedBytes(String name, byte[] value) {
    this(name, Bytes.of(value));
  }

  public String hex() {
    return value.toBareHex();
  }

  public boolean isAllZero() {
    return value.isAllZero();
  }

  @Override
  public String toString() {
    return name + "=" + hex();
  }
}
