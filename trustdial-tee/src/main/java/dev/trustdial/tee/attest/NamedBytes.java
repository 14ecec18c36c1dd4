package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;

/** A named value taken from signed evidence: a measurement register or another signed field. */
public record NamedBytes(String name, byte[] value) {
  public NamedBytes {
    if (name.isBlank()) {
      throw new IllegalArgumentException("a measurement needs a name");
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  public String hex() {
    return Hex.encodeBare(value);
  }

  public boolean isAllZero() {
    for (byte b : value) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedBytes n && n.name.equals(name) && Arrays.equals(n.value, value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return name + "=" + hex();
  }
}
