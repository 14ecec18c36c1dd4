package dev.trustdial.ai.gguf;

import dev.trustdial.core.InvalidInputException;

/**
 * Tensor element types of ggml with their block geometry (elements per block, bytes per block).
 * Only types whose block layout is pinned here can be read; any other id is rejected by name.
 */
public enum GgmlType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  Q4_0(2, 32, 18),
  Q4_1(3, 32, 20),
  Q5_0(6, 32, 22),
  Q5_1(7, 32, 24),
  Q8_0(8, 32, 34),
  Q8_1(9, 32, 36),
  Q2_K(10, 256, 84),
  Q3_K(11, 256, 110),
  Q4_K(12, 256, 144),
  Q5_K(13, 256, 176),
  Q6_K(14, 256, 210),
  Q8_K(15, 256, 292),
  IQ4_NL(20, 32, 18),
  IQ4_XS(23, 256, 136),
  I8(24, 1, 1),
  I16(25, 1, 2),
  I32(26, 1, 4),
  I64(27, 1, 8),
  F64(28, 1, 8),
  BF16(30, 1, 2);

  private final int id;
  private final int blockSize;
  private final int typeSize;

  GgmlType(int id, int blockSize, int typeSize) {
    this.id = id;
    this.blockSize = blockSize;
    this.typeSize = typeSize;
  }

  public int id() {
    return id;
  }

  /** Elements per block. */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes per block. */
  public int typeSize() {
    return typeSize;
  }

  /** Bytes taken by a row of {@code elements} values; the row must be whole blocks. */
  public long rowBytes(long elements) {
    if (elements % blockSize != 0) {
      throw new InvalidInputException(
          "GGUF: a "
              + name()
              + " row of "
              + elements
              + " elements is not a multiple of the block size "
              + blockSize);
    }
    return Math.multiplyExact(elements / blockSize, (long) typeSize);
  }

  public static GgmlType fromId(long id, String tensorName) {
    for (GgmlType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new InvalidInputException(
        "GGUF: tensor '"
            + tensorName
            + "' has ggml type id "
            + id
            + " ("
            + knownName(id)
            + "), which is not supported");
  }

  private static String knownName(long id) {
    return switch ((int) id) {
      case 16 -> "IQ2_XXS";
      case 17 -> "IQ2_XS";
      case 18 -> "IQ3_XXS";
      case 19 -> "IQ1_S";
      case 21 -> "IQ3_S";
      case 22 -> "IQ2_S";
      case 29 -> "IQ1_M";
      case 34 -> "TQ1_0";
      case 35 -> "TQ2_0";
      case 39 -> "MXFP4";
      default -> "unknown";
    };
  }
}
