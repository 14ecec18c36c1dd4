package dev.trustdial.vm.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes minimal RV32 ELF executables: one RWX PT_LOAD segment, code first, zeroed data after. */
public final class TestElf {
  private TestElf() {}

  public static final int BASE = 0x10000;

  public static byte[] build(int[] code, int extraZeroBytes) {
    int hdr = 52 + 32;
    int fileSize = 0x1000 + code.length * 4;
    ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
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
    assert b.position() == 52;
    b.putInt(1)
        .putInt(0x1000)
        .putInt(BASE)
        .putInt(BASE)
        .putInt(code.length * 4)
        .putInt(code.length * 4 + extraZeroBytes)
        .putInt(7)
        .putInt(0x1000);
    assert b.position() == hdr;
    b.position(0x1000);
    for (int w : code) {
      b.putInt(w);
    }
    return b.array();
  }
}
