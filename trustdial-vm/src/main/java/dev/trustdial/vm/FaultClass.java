package dev.trustdial.vm;

/** The fault classes of docs/spec/vm.md §6; a faulted state's exitCode is the class's code. */
public enum FaultClass {
  ILLEGAL_INSTRUCTION(1, "illegal instruction"),
  MISALIGNED_PC(2, "misaligned pc"),
  OUT_OF_RANGE(3, "out-of-range access"),
  UNKNOWN_ECALL(4, "unknown ecall"),
  OUTPUT_LIMIT(5, "output limit");

  private final int code;
  private final String text;

  FaultClass(int code, String text) {
    this.code = code;
    this.text = text;
  }

  public int code() {
    return code;
  }

  public String text() {
    return text;
  }

  public static FaultClass of(int code) {
    for (FaultClass c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("no fault class " + code);
  }
}
