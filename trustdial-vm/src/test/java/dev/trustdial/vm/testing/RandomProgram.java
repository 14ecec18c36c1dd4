package dev.trustdial.vm.testing;

import static dev.trustdial.vm.testing.Asm.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Random straight-line-ish RV32IM programs for differential testing: registers start at edge
 * values, then random instructions of every RV32IM kind (forward branches and jumps only, loads and
 * stores at any alignment inside a 256-byte scratch area based at x31), then the program stores all
 * registers next to the scratch area, writes both as output and exits. Runs under the VM and
 * unchanged under qemu-riscv32.
 */
public final class RandomProgram {
  private RandomProgram() {}

  public static final int SCRATCH = TestElf.BASE + 0x8000;
  static final int[] EDGE = {
    0,
    1,
    -1,
    2,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE,
    0xffff,
    0x8000,
    31,
    32,
    33,
    -32,
    0x55555555,
    0xaaaaaaaa
  };

  public static byte[] generate(long seed, int length) {
    Random rnd = new Random(seed);
    List<Integer> code = new ArrayList<>();
    for (int r = 1; r < 31; r++) {
      int v = rnd.nextInt(3) == 0 ? rnd.nextInt() : EDGE[rnd.nextInt(EDGE.length)];
      for (int w : li(r, v)) {
        code.add(w);
      }
    }
    for (int w : li(31, SCRATCH)) {
      code.add(w);
    }
    Map<Integer, IntUnaryOperator> jumps = new HashMap<>();
    Set<Integer> jalrs = new HashSet<>();
    for (int n = 0; n < length; n++) {
      emitRandom(rnd, code, jumps, jalrs);
    }
    // A jump landing on the jalr of an auipc/jalr pair would use a stale base: land one later.
    for (var e : jumps.entrySet()) {
      int at = e.getKey();
      int off = code.get(at);
      if (jalrs.contains(at + off / 4)) {
        code.set(at, e.getValue().applyAsInt(off + 4));
      } else {
        code.set(at, e.getValue().applyAsInt(off));
      }
    }
    for (int k = 0; k < 5; k++) {
      code.add(addi(0, 0, 0)); // landing pad for forward jumps from the last instructions
    }
    for (int r = 1; r < 32; r++) {
      code.add(sw(r, 31, 256 + 4 * r));
    }
    for (int off = 0; off < 384; off += 32) {
      for (int w :
          new int[] {addi(17, 0, 64), addi(10, 0, 1), addi(11, 31, off), addi(12, 0, 32), ECALL}) {
        code.add(w);
      }
    }
    for (int w : new int[] {addi(17, 0, 93), addi(10, 0, 7), ECALL}) {
      code.add(w);
    }
    int[] words = code.stream().mapToInt(Integer::intValue).toArray();
    if (words.length * 4 > 0x8000) {
      throw new IllegalArgumentException("program too long");
    }
    return TestElf.build(words, 0x8000 + 0x200 - words.length * 4);
  }

  private static int reg(Random rnd) {
    return rnd.nextInt(31); // never x31, the scratch base
  }

  private static int anyReg(Random rnd) {
    return rnd.nextInt(32);
  }

  private static void emitRandom(
      Random rnd, List<Integer> code, Map<Integer, IntUnaryOperator> jumps, Set<Integer> jalrs) {
    int kind = rnd.nextInt(13);
    int rd = reg(rnd);
    int rs1 = anyReg(rnd);
    int rs2 = anyReg(rnd);
    switch (kind) {
      case 0, 1 -> { // OP and OP-32 M extension
        int[][] ops = {
          {0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5}, {0, 6}, {0, 7},
          {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}
        };
        int[] o = ops[rnd.nextInt(ops.length)];
        code.add(r(o[0], rs2, rs1, o[1], rd, 0x33));
      }
      case 2, 3 -> { // OP-IMM
        int f3 = new int[] {0, 2, 3, 4, 6, 7, 1, 5}[rnd.nextInt(8)];
        int imm =
            rnd.nextBoolean()
                ? rnd.nextInt(4096) - 2048
                : new int[] {0, -1, 2047, -2048, 1}[rnd.nextInt(5)];
        if (f3 == 1) {
          imm = rnd.nextInt(32);
        } else if (f3 == 5) {
          imm = rnd.nextInt(32) | (rnd.nextBoolean() ? 0x400 : 0);
        }
        code.add(i(imm, rs1, f3, rd, 0x13));
      }
      case 4 -> code.add(u(rnd.nextInt(), rd, rnd.nextBoolean() ? 0x37 : 0x17));
      case 12 -> code.add(rnd.nextBoolean() ? 0x0ff0000f : 0x0000100f); // FENCE iorw,iorw / FENCE.I
      case 5, 6 -> { // loads at any alignment within scratch
        int f3 = new int[] {0, 1, 2, 4, 5}[rnd.nextInt(5)];
        int size = 1 << (f3 & 3);
        code.add(i(rnd.nextInt(256 - size + 1), 31, f3, rd, 0x03));
      }
      case 7, 8 -> { // stores at any alignment within scratch
        int f3 = rnd.nextInt(3);
        int size = 1 << f3;
        code.add(s(rnd.nextInt(256 - size + 1), rs2, 31, f3));
      }
      case 9 -> {
        int f3 = new int[] {0, 1, 4, 5, 6, 7}[rnd.nextInt(6)];
        jumps.put(code.size(), off -> b(off, rs2, rs1, f3));
        code.add(4 * (2 + rnd.nextInt(3))); // offset placeholder, encoded after the body exists
      }
      case 10 -> {
        jumps.put(code.size(), off -> jal(rd, off));
        code.add(4 * (1 + rnd.nextInt(3)));
      }
      default -> { // auipc t, 0; jalr rd, t, 12 skips one instruction
        int t = 1 + rnd.nextInt(30);
        code.add(u(0, t, 0x17));
        jalrs.add(code.size());
        code.add(i(12, t, 0, rd, 0x67));
        code.add(addi(0, 0, 0));
      }
    }
  }
}
