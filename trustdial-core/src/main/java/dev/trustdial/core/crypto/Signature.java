package dev.trustdial.core.crypto;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;

/**
 * A 65-byte recoverable secp256k1 signature r || s || v with v in {27, 28}, as Solidity's ecrecover
 * takes it.
 */
public record Signature(byte[] bytes) {
  public Signature {
    if (bytes.length != 65) {
      throw new InvalidInputException("a signature has 65 bytes (r, s, v), got " + bytes.length);
    }
    if (bytes[64] != 27 && bytes[64] != 28) {
      throw new InvalidInputException("signature v must be 27 or 28, got " + (bytes[64] & 0xff));
    }
    bytes = bytes.clone();
  }

  public static Signature fromHex(String hex) {
    return new Signature(Hex.decode(hex));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String toHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
