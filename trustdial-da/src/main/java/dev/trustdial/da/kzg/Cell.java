package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;

/** One EIP-7594 cell: 64 field elements (2048 bytes) of an extended sub-blob. */
public record Cell(Bytes value) {
  public static final int BYTES = 2048;

  public Cell {
    if (value.length() != BYTES) {
      throw new InvalidInputException("a cell has 2048 bytes, got " + value.length());
    }
  }

  /** Copies {@code bytes}. */
  public Cell(byte[] bytes) {
    this(Bytes.of(bytes));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return value.toArray();
  }

  /** Copies the cell into {@code dst} at {@code offset} without an intermediate copy. */
  public void copyTo(byte[] dst, int offset) {
    value.copyTo(dst, offset);
  }

  @Override
  public String toString() {
    return "Cell[" + BYTES + " bytes]";
  }
}
