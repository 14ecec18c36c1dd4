package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;
import java.lang.foreign.MemorySegment;

/**
 * A row-major {@code [rows][cols]} weight matrix (y = W·x) in its file encoding, usually a view
 * into a memory-mapped model file.
 */
public record WeightMatrix(String name, TensorType type, int rows, int cols, MemorySegment data) {
  public WeightMatrix {
    if (rows <= 0 || cols <= 0) {
      throw new InvalidInputException(
          "tensor '" + name + "' has an empty shape " + rows + "x" + cols);
    }
    long expected = type.rowBytes(cols) * rows;
    if (data.byteSize() != expected) {
      throw new InvalidInputException(
          "tensor '"
              + name
              + "' has "
              + data.byteSize()
              + " bytes of data but "
              + type
              + " "
              + rows
              + "x"
              + cols
              + " needs "
              + expected);
    }
  }

  public long rowBytes() {
    return type.rowBytes(cols);
  }

  /**
   * Checks the shape against what the architecture needs; names the tensor when it does not fit.
   */
  public WeightMatrix expectShape(int expectedRows, int expectedCols) {
    if (rows != expectedRows || cols != expectedCols) {
      throw new InvalidInputException(
          "tensor '"
              + name
              + "' is "
              + rows
              + "x"
              + cols
              + " but the model config needs "
              + expectedRows
              + "x"
              + expectedCols);
    }
    return this;
  }

  /**
   * Rows {@code from..from+count} as a matrix of their own (a view of the same bytes), e.g. one
   * part of a fused tensor.
   */
  public WeightMatrix rowSlice(String sliceName, int from, int count) {
    if (from < 0 || count <= 0 || (long) from + count > rows) {
      throw new InvalidInputException(
          "tensor '"
              + name
              + "' has "
              + rows
              + " rows, cannot take rows "
              + from
              + ".."
              + ((long) from + count - 1)
              + " for "
              + sliceName);
    }
    return new WeightMatrix(
        sliceName, type, count, cols, data.asSlice(from * rowBytes(), count * rowBytes()));
  }
}
