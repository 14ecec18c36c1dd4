package dev.trustdial.vm.jit;

import static dev.trustdial.vm.testing.Asm.*;

import dev.trustdial.vm.testing.TestElf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Seeded random RV32IM programs that get hot: registers start at edge values, then a loop runs a
 * random body many times. The body has every RV32IM instruction form, loads and stores at any
 * alignment in a scratch area (misaligned ones take the interpreter's slow path), forward branches
 * and jumps, small backward inner loops, fences, log and output ecalls, and code that rewrites an
 * instruction of the loop (whole word, halfword or byte stores, then fence.i). Some seeds also
 * plant a fault that fires in one chosen iteration: an out-of-range load or store (far off, or
 * straddling the window's end), a misaligned jump target, ebreak, an illegal word written into the
 * code, an unknown ecall. At the end all registers and the scratch area are written out.
 */
final class JitPrograms {
  private JitPrograms() {}

  static final int SCRATCH = TestElf.BASE + 0x8000;
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
  static final String[] FAULTS = {
    "none",
    "load-far",
    "store-far",
    "load-ram-end",
    "jalr-misaligned",
    "ebreak",
    "illegal-smc",
    "unknown-ecall",
    "branch-misaligned"
  };
  // x26..x28 are snippet temporaries, x29 the rewritten slot's address, x30 the loop counter, x31
  // scratch
  private static final int T1 = 26, T2 = 27, T3 = 28, SLOT = 29, CTR = 30, BASE = 31;

  record Program(byte[] elf, String fault) {}

  static Program generate(long seed, int ramEnd) {
    Random rnd = new Random(seed);
    List<Integer> code = new ArrayList<>();
    List<Boolean> landing = new ArrayList<>();
    Map<Integer, IntUnaryOperator> jumps = new HashMap<>();
    for (int r = 1; r < 26; r++) {
      int v = rnd.nextInt(3) == 0 ? rnd.nextInt() : EDGE[rnd.nextInt(EDGE.length)];
      unit(code, landing, li(r, v));
    }
    unit(code, landing, li(BASE, SCRATCH));
    int slotLi = code.size();
    unit(code, landing, li(SLOT, 0)); // patched once the slot's address is known
    int iterations = 200 + rnd.nextInt(600);
    unit(code, landing, li(CTR, iterations));
    int loop = code.size();
    int length = 40 + rnd.nextInt(400);
    String fault = FAULTS[rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(FAULTS.length - 1)];
    int faultAt = rnd.nextInt(length);
    int faultIteration = 1 + rnd.nextInt(iterations);
    int slotAt = -1;
    for (int n = 0; n < length; n++) {
      if (n == faultAt && !fault.equals("none")) {
        faultSnippet(fault, faultIteration, ramEnd, code, landing);
      }
      if (n == length / 3) {
        slotAt = code.size();
        unit(code, landing, addi(5, 5, 1)); // the instruction the body rewrites
      }
      emitRandom(rnd, code, landing, jumps);
    }
    for (int k = 0; k < 5; k++) {
      unit(
          code, landing, addi(0, 0, 0)); // landing pad for forward jumps from the last instructions
    }
    unit(code, landing, addi(CTR, CTR, -1), b(4 * (loop - code.size() - 1), 0, CTR, 1));
    for (var e : jumps.entrySet()) {
      int at = e.getKey();
      int target = at + code.get(at) / 4;
      while (!landing.get(target)) {
        target++; // never into the middle of a snippet
      }
      code.set(at, e.getValue().applyAsInt(4 * (target - at)));
    }
    int[] slotLiWords = li(SLOT, TestElf.BASE + 4 * slotAt);
    code.set(slotLi, slotLiWords[0]);
    code.set(slotLi + 1, slotLiWords[1]);
    for (int r = 1; r < 32; r++) {
      code.add(sw(r, BASE, 256 + 4 * r));
    }
    for (int off = 0; off < 384; off += 32) {
      for (int w :
          new int[] {
            addi(17, 0, 64), addi(10, 0, 1), addi(11, BASE, off), addi(12, 0, 32), ECALL
          }) {
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
    return new Program(TestElf.build(words, 0x8000 + 0x200 - words.length * 4), fault);
  }

  /** Appends instructions that belong together: a jump may land only on the first. */
  private static void unit(List<Integer> code, List<Boolean> landing, int... words) {
    for (int k = 0; k < words.length; k++) {
      code.add(words[k]);
      landing.add(k == 0);
    }
  }

  /** T1 = 1 in the chosen iteration, else 0. */
  private static int[] hit(int iteration) {
    return new int[] {addi(T1, CTR, -iteration), i(1, T1, 3, T1, 0x13)}; // sltiu t1, t1, 1
  }

  private static int[] concat(int[]... parts) {
    List<Integer> out = new ArrayList<>();
    for (int[] p : parts) {
      for (int w : p) {
        out.add(w);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void faultSnippet(
      String fault, int iteration, int ramEnd, List<Integer> code, List<Boolean> landing) {
    int[] h = hit(iteration);
    int[] words =
        switch (fault) {
          // address scratch + t1 * 2^31: outside the window in the chosen iteration
          case "load-far" ->
              concat(
                  h,
                  new int[] {i(31, T1, 1, T2, 0x13), r(0, BASE, T2, 0, T2, 0x33), lw(T3, T2, 0)});
          case "store-far" ->
              concat(
                  h,
                  new int[] {i(31, T1, 1, T2, 0x13), r(0, BASE, T2, 0, T2, 0x33), sw(T3, T2, 4)});
          // a word load at ramEnd - 2 straddles the window's end
          case "load-ram-end" ->
              concat(
                  h,
                  li(T2, ramEnd - 2 - SCRATCH),
                  new int[] {
                    r(1, T2, T1, 0, T2, 0x33), r(0, BASE, T2, 0, T2, 0x33), lw(T3, T2, 0)
                  });
          // jalr to the next instruction, + 2 in the chosen iteration
          case "jalr-misaligned" ->
              concat(
                  h,
                  new int[] {
                    i(1, T1, 1, T1, 0x13),
                    u(0, T2, 0x17),
                    r(0, T1, T2, 0, T2, 0x33),
                    i(12, T2, 0, 0, 0x67)
                  });
          case "ebreak" -> concat(h, new int[] {b(8, 0, T1, 0), 0x00100073});
          // in the chosen iteration: write an illegal word over a nop ahead, fence.i, run it
          case "illegal-smc" ->
              concat(
                  h,
                  new int[] {
                    u(0, T2, 0x17), b(12, 0, T1, 0), sw(0, T2, 16), 0x0000100f, addi(0, 0, 0)
                  });
          case "unknown-ecall" ->
              concat(h, new int[] {b(16, 0, T1, 0), addi(17, 0, 999), addi(10, 0, 0), ECALL});
          // beq to a target 2 bytes past an instruction in the chosen iteration
          case "branch-misaligned" ->
              concat(h, new int[] {b(8, 0, T1, 0), b(6, 0, 0, 0), addi(0, 0, 0), addi(0, 0, 0)});
          default -> throw new IllegalArgumentException(fault);
        };
    unit(code, landing, words);
  }

  private static int reg(Random rnd) {
    return 1
        + rnd.nextInt(
            25); // never the snippet temporaries, the slot, the counter or the scratch base
  }

  private static void emitRandom(
      Random rnd, List<Integer> code, List<Boolean> landing, Map<Integer, IntUnaryOperator> jumps) {
    int kind = rnd.nextInt(17);
    int rd = reg(rnd);
    int rs1 = rnd.nextInt(32);
    int rs2 = rnd.nextInt(32);
    if (rnd.nextInt(40) == 0) {
      rd = 0; // writes to x0 still step (and loads still fault)
    }
    switch (kind) {
      case 0, 1 -> {
        int[][] ops = {
          {0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5}, {0, 6}, {0, 7},
          {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}
        };
        int[] o = ops[rnd.nextInt(ops.length)];
        unit(code, landing, r(o[0], rs2, rs1, o[1], rd, 0x33));
      }
      case 2, 3 -> {
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
        unit(code, landing, i(imm, rs1, f3, rd, 0x13));
      }
      case 4 -> unit(code, landing, u(rnd.nextInt(), rd, rnd.nextBoolean() ? 0x37 : 0x17));
      case 5, 6 -> {
        int f3 = new int[] {0, 1, 2, 4, 5}[rnd.nextInt(5)];
        int size = 1 << (f3 & 3);
        unit(code, landing, i(rnd.nextInt(256 - size + 1), BASE, f3, rd, 0x03));
      }
      case 7, 8 -> {
        int f3 = rnd.nextInt(3);
        int size = 1 << f3;
        unit(code, landing, s(rnd.nextInt(256 - size + 1), rs2, BASE, f3));
      }
      case 9 -> {
        int f3 = new int[] {0, 1, 4, 5, 6, 7}[rnd.nextInt(6)];
        jumps.put(code.size(), off -> b(off, rs2, rs1, f3));
        unit(code, landing, 4 * (2 + rnd.nextInt(3)));
      }
      case 10 -> {
        int link = rd;
        jumps.put(code.size(), off -> jal(link, off));
        unit(code, landing, 4 * (1 + rnd.nextInt(3)));
      }
      case 11 -> { // auipc t, 0; jalr rd, t, 12 skips one instruction
        unit(code, landing, u(0, T2, 0x17), i(12, T2, 0, rd, 0x67), addi(0, 0, 0));
      }
      case 12 -> unit(code, landing, rnd.nextBoolean() ? 0x0ff0000f : 0x0000100f);
      case 13 -> { // every 128th iteration, rewrite the slot's immediate: whole word, upper
        // halfword or top byte, then fence.i
        int how = rnd.nextInt(3);
        int store = how == 0 ? sw(T2, SLOT, 0) : how == 1 ? s(2, T2, SLOT, 1) : s(3, T2, SLOT, 0);
        int shift = how == 0 ? 0 : how == 1 ? 16 : 24;
        unit(
            code,
            landing,
            i(127, CTR, 7, T3, 0x13),
            b(28, 0, T3, 1),
            lui(T1, 0x100000),
            lw(T2, SLOT, 0),
            r(0, T1, T2, 0, T2, 0x33),
            i(shift, T2, 5, T2, 0x13),
            store,
            0x0000100f);
      }
      case 14 -> { // log (fd 2) or output (fd 1) ecall of a few scratch bytes
        int fd = rnd.nextInt(4) == 0 ? 1 : 2;
        unit(
            code,
            landing,
            addi(17, 0, 64),
            addi(10, 0, fd),
            addi(11, BASE, rnd.nextInt(200)),
            addi(12, 0, rnd.nextInt(40)),
            ECALL);
      }
      default -> { // a short backward inner loop
        int op = new int[] {0, 4, 6, 7, 1}[rnd.nextInt(5)];
        unit(
            code,
            landing,
            addi(T3, 0, 1 + rnd.nextInt(4)),
            r(rnd.nextBoolean() ? 1 : 0, rs2, rs1, op, rd, 0x33),
            addi(T3, T3, -1),
            b(-8, 0, T3, 1));
      }
    }
  }
}
