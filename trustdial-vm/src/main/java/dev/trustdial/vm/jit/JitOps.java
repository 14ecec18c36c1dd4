package dev.trustdial.vm.jit;

/**
 * The RV32IM operations that need more than one JVM instruction, called from translated code (small
 * enough for the JVM to inline). Each is the interpreter's expression in Hart, verbatim.
 */
public final class JitOps {
  private JitOps() {}

  public static int slt(int a, int b) {
    return a < b ? 1 : 0;
  }

  public static int sltu(int a, int b) {
    return Integer.compareUnsigned(a, b) < 0 ? 1 : 0;
  }

  public static int mulh(int a, int b) {
    return (int) (((long) a * (long) b) >> 32);
  }

  public static int mulhsu(int a, int b) {
    return (int) (((long) a * Integer.toUnsignedLong(b)) >> 32);
  }

  public static int mulhu(int a, int b) {
    return (int) ((Integer.toUnsignedLong(a) * Integer.toUnsignedLong(b)) >>> 32);
  }

  /** MIN / -1 = MIN in Java too, as RV32 defines it. */
  public static int div(int a, int b) {
    return b == 0 ? -1 : a / b;
  }

  public static int divu(int a, int b) {
    return b == 0 ? -1 : Integer.divideUnsigned(a, b);
  }

  public static int rem(int a, int b) {
    return b == 0 ? a : a % b;
  }

  public static int remu(int a, int b) {
    return b == 0 ? a : Integer.remainderUnsigned(a, b);
  }
}
