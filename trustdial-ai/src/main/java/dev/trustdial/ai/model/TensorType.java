package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;

/** Weight encodings the engine computes with; ids and block layouts are GGML's. */
public enum TensorType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  Q4_0(2, 32, 18),
  Q8_0(8, 32, 34),
  Q4_K(12, 256, 144),
  Q6_K(14, 256, 210),
  BF16(30, 1, 2);

  private final int ggmlId;
  private final int blockSize;
  private final int bytesPerBlock;

  TensorType(int ggmlId, int blockSize, int bytesPerBlock) {
    this.ggmlId = ggmlId;
    this.blockSize = blockSize;
    this.bytesPerBlock = bytesPerBlock;
  }

  public int ggmlId() {
    return ggmlId;
  }

  /** Elements per block (1 for plain float types). */
  public int blockSize() {
    return blockSize;
  }

  public int bytesPerBlock() {
    return bytesPerBlock;
  }

  public boolean quantized() {
    return blockSize > 1;
  }

  /** Bytes of one row of {@code cols} elements; cols must be a multiple of the block size. */
  public long rowBytes(long cols) {
    if (cols % blockSize != 0) {
      throw new InvalidInputException(
          "tensor row of "
              + cols
              + " elements is not a multiple of the "
              + this
              + " block size "
              + blockSize);
    }
    return cols / blockSize * bytesPerBlock;
  }

  public static TensorType fromGgmlId(int id, String tensorName) {
    for (TensorType t : values()) {
      if (t.ggmlId == id) {
        return t;
      }
    }
    throw new InvalidInputException(
        "tensor '"
            + tensorName
            + "' has GGML type "
            + ggmlTypeName(id)
            + ", which the engine does not support (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
  }

  private static String ggmlTypeName(int id) {
    String[] names = {
      "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
      "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
      "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"
    };
    return id >= 0 && id < names.length ? names[id] + " (" + id + ")" : "id " + id;
  }
}
