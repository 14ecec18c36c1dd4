package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import java.util.Arrays;

/** 4096 field elements (an EIP-4844 blob), the unit that gets one KZG commitment. */
public record SubBlob(byte[] bytes) {
  public static final int ELEMENTS = 4096;
  public static final int BYTES = ELEMENTS * 32;

  public SubBlob {
    if (bytes.length != BYTES) {
      throw new InvalidInputException("a sub-blob has " + BYTES + " bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies {@code length} bytes from {@code offset} without exposing the internal array. */
  public void copyTo(int offset, byte[] dst, int dstOffset, int length) {
    System.arraycopy(bytes, offset, dst, dstOffset, length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubBlob other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SubBlob[" + BYTES + " bytes]";
  }
}
