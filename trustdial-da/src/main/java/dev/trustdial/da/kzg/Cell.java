package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import java.util.Arrays;

/** One EIP-7594 cell: 64 field elements (2048 bytes) of an extended sub-blob. */
public record Cell(byte[] bytes) {
  public static final int BYTES = 2048;

  public Cell {
    if (bytes.length != BYTES) {
      throw new InvalidInputException("a cell has 2048 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the cell into {@code dst} at {@code offset} without an intermediate copy. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, BYTES);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cell other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Cell[" + BYTES + " bytes]";
  }
}
