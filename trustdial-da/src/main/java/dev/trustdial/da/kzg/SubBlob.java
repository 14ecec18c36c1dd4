package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;

/** 4096 field elements (an EIP-4844 blob), the unit that gets one KZG commitment. */
public record SubBlob(Bytes value) {
  public static final int ELEMENTS = 4096;
  public static final int BYTES = ELEMENTS * 32;

  public SubBlob {
    if (value.length() != BYTES) {
      throw new InvalidInputException("a sub-blob has " + BYTES + " bytes, got " + value.length());
    }
  }

  /** Copies {@code bytes}. */
  public SubBlob(byte[] bytes) {
    this(Bytes.of(bytes));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return value.toArray();
  }

  /** Copies {@code length} bytes from {@code offset} without exposing the internal array. */
  public void copyTo(int offset, byte[] dst, int dstOffset, int length) {
    value.copyTo(offset, dst, dstOffset, length);
  }

  @Override
  public String toString() {
    return "SubBlob[" + BYTES + " bytes]";
  }
}
