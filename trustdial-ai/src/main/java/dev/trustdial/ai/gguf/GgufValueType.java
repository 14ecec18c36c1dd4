package dev.trustdial.ai.gguf;

import dev.trustdial.core.InvalidInputException;

/** The metadata value types of GGUF, with their on-disk ids. */
public enum GgufValueType {
  UINT8(0, 1),
  INT8(1, 1),
  UINT16(2, 2),
  INT16(3, 2),
  UINT32(4, 4),
  INT32(5, 4),
  FLOAT32(6, 4),
  BOOL(7, 1),
  STRING(8, -1),
  ARRAY(9, -1),
  UINT64(10, 8),
  INT64(11, 8),
  FLOAT64(12, 8);

  private final int id;
  private final int fixedSize;

  GgufValueType(int id, int fixedSize) {
    this.id = id;
    this.fixedSize = fixedSize;
  }

  public int id() {
    return id;
  }

  /** Size in bytes of one value, or -1 for variable-size types (string, array). */
  public int fixedSize() {
    return fixedSize;
  }

  public boolean isInteger() {
    return switch (this) {
      case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
      default -> false;
    };
  }

  public static GgufValueType fromId(long id) {
    for (GgufValueType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new InvalidInputException("GGUF: unknown metadata value type id " + id);
  }
}
