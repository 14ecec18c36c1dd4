package dev.trustdial.node.job;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Hand-built RV32 ELF guests for outcome tests: one RWX PT_LOAD segment at {@link #BASE} holding
 * the code (the layout of trustdial-vm's TestElf, whose test classes this module cannot see).
 */
public final class TinyElf {
  public static final int BASE = 0x10000;

  private TinyElf() {}

  public static byte[] build(int... code) {
    ByteBuffer b = ByteBuffer.allocate(0x1000 + code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2)
        .putShort((short) 243)
        .putInt(1)
        .putInt(BASE)
        .putInt(52)
        .putInt(0)
        .putInt(0)
        .putShort((short) 52)
        .putShort((short) 32)
        .putShort((short) 1)
        .putShort((short) 40)
        .putShort((short) 0)
        .putShort((short) 0);
    b.putInt(1)
        .putInt(0x1000)
        .putInt(BASE)
        .putInt(BASE)
        .putInt(code.length * 4)
        .putInt(code.length * 4)
        .putInt(7)
        .putInt(0x1000);
    b.position(0x1000);
    for (int w : code) {
      b.putInt(w);
    }
    return b.array();
  }

  /** addi rd, rs1, imm */
  public static int addi(int rd, int rs1, int imm) {
    return (imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
  }

  /** jal x0, 0: loops forever. */
  public static final int LOOP = 0x0000006f;

  /** An all-zero word: an illegal instruction. */
  public static final int ILLEGAL = 0;

  public static final int ECALL = 0x00000073;

  /** Two steps, then an illegal instruction: faults at step 2, pc BASE + 8. */
  public static byte[] faulting() {
    return build(addi(5, 0, 1), addi(6, 0, 2), ILLEGAL);
  }

  /** Exits with code 0 at step 3, the ecall included (li a7, 93; li a0, 0; ecall). */
  public static byte[] exiting() {
    return build(addi(17, 0, 93), addi(10, 0, 0), ECALL);
  }
}
