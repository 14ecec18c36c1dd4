package dev.trustdial.vm.testing;

/** Encodes RV32IM instructions for hand-built test programs. */
public final class Asm {
  private Asm() {}

  public static int r(int f7, int rs2, int rs1, int f3, int rd, int op) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  }

  public static int i(int imm, int rs1, int f3, int rd, int op) {
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
  }

  public static int s(int imm, int rs2, int rs1, int f3) {
    return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | 0x23;
  }

  public static int b(int imm, int rs2, int rs1, int f3) {
    return ((imm >> 12) & 1) << 31
        | ((imm >> 5) & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | f3 << 12
        | ((imm >> 1) & 0xf) << 8
        | ((imm >> 11) & 1) << 7
        | 0x63;
  }

  public static int u(int imm, int rd, int op) {
    return (imm & 0xfffff000) | rd << 7 | op;
  }

  public static int jal(int rd, int imm) {
    return ((imm >> 20) & 1) << 31
        | ((imm >> 1) & 0x3ff) << 21
        | ((imm >> 11) & 1) << 20
        | ((imm >> 12) & 0xff) << 12
        | rd << 7
        | 0x6f;
  }

  public static int addi(int rd, int rs1, int imm) {
    return i(imm, rs1, 0, rd, 0x13);
  }

  public static int lw(int rd, int rs1, int imm) {
    return i(imm, rs1, 2, rd, 0x03);
  }

  public static int sw(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 2);
  }

  public static int lui(int rd, int imm) {
    return u(imm, rd, 0x37);
  }

  public static final int ECALL = 0x00000073;

  /** li rd, value as lui+addi (always two instructions). */
  public static int[] li(int rd, int value) {
    int lo = (value << 20) >> 20;
    int hi = value - lo;
    return new int[] {lui(rd, hi), addi(rd, rd, lo)};
  }
}
