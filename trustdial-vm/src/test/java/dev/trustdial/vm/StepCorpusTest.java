package dev.trustdial.vm;

import static dev.trustdial.vm.testing.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.testing.RandomProgram;
import dev.trustdial.vm.testing.TestElf;
import dev.trustdial.vm.testing.VectorPrograms;
import dev.trustdial.vm.testing.VectorPrograms.Program;
import dev.trustdial.vm.witness.InputChunkProof;
import dev.trustdial.vm.witness.ProofEncoder;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;
import dev.trustdial.vm.witness.WitnessRejected;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The differential corpus contracts/test/corpus/*.json (docs/spec/vm.md §10): step inputs (a
 * pre-state and compressed proof bytes) with the answer Java gives, for the Solidity step function
 * to reproduce under forge. {@code ok=false} means a correct step function must revert. Every step
 * of the vector programs, seeded random programs, edge values of every instruction form, ecalls at
 * their boundaries, terminal states and mutants of every witness field. The interpreter builds the
 * witnesses and the independent checker must give the same answer on every ok entry and reject
 * every mutant. Regenerated on every run; {@code -Dtrustdial.vm.writeCorpus=true} rewrites the
 * files.
 */
class StepCorpusTest {
  static final Path DIR = Path.of("..", "contracts", "test", "corpus");
  static final int MAX_ENTRIES = 1500;
  static final long MAX_TOTAL_BYTES = 8_000_000;
  static final VmConfig CFG = VmConfig.defaults();
  static final int DATA = VectorPrograms.DATA;
  static final int RAM_END = 0x2001_0000;
  static final int[] EDGES = {0, 1, -1, 0x7fffffff, 0x80000000};

  record Entry(String note, byte[] pre, byte[] proof, boolean ok, Bytes32 post, int status) {}

  static Entry ok(String note, Witness w) {
    return new Entry(
        note, w.preState().toArray(), w.proof().toArray(), true, w.postStateHash(), w.status());
  }

  static Entry bad(String note, byte[] pre, byte[] proof) {
    return new Entry(note, pre, proof, false, Bytes32.ZERO, 0);
  }

  // ------------------------------------------------------------------ corpus contents

  static Map<String, List<Entry>> corpus() {
    Map<String, List<Entry>> files = new LinkedHashMap<>();
    List<Witness> bases = new ArrayList<>();
    List<Entry> vectors = new ArrayList<>();
    for (Program p : VectorPrograms.all()) {
      Program every =
          new Program(
              p.name(),
              p.description(),
              p.elf(),
              p.input(),
              p.config(),
              p.firstStep(),
              Long.MAX_VALUE,
              true);
      addSteps(vectors, every, bases);
    }
    files.put("vectors", vectors);
    List<Entry> random = new ArrayList<>();
    for (long seed = 1; seed <= 10; seed++) {
      addSteps(
          random,
          new Program(
              "random-seed-" + seed,
              "",
              RandomProgram.generate(seed, 60),
              new byte[0],
              CFG,
              0,
              Long.MAX_VALUE,
              seed == 1),
          seed <= 2 ? bases : null);
    }
    files.put("random", random);
    List<Entry> edges = new ArrayList<>();
    for (Program p : edgePrograms()) {
      addSteps(edges, p, null);
    }
    files.put("edges", edges);
    List<Entry> memory = new ArrayList<>();
    for (Program p : memoryPrograms()) {
      addSteps(memory, p, bases);
    }
    files.put("memory", memory);
    List<Entry> ecalls = new ArrayList<>();
    for (Program p : ecallPrograms()) {
      addSteps(ecalls, p, bases);
    }
    files.put("ecalls", ecalls);
    files.put("mutants", mutants(bases));
    Map<String, List<Entry>> split = new LinkedHashMap<>();
    files.forEach((name, entries) -> {
      if (entries.size() <= MAX_ENTRIES) {
        split.put(name, entries);
      } else {
        for (int part = 0; part * MAX_ENTRIES < entries.size(); part++) {
          split.put(
              name + "-" + (part + 1),
              entries.subList(
                  part * MAX_ENTRIES, Math.min(entries.size(), (part + 1) * MAX_ENTRIES)));
        }
      }
    });
    return split;
  }

  /**
   * Every witness of the program's steps as an ok entry; the first ones of each kind also go to
   * {@code bases} for mutants.
   */
  static void addSteps(List<Entry> out, Program p, List<Witness> bases) {
    List<Witness> ws = p.witnesses();
    for (Witness w : ws) {
      out.add(ok(p.name() + " step " + w.step() + describe(w), w));
    }
    if (bases != null) {
      bases.addAll(ws);
    }
  }

  static String describe(Witness w) {
    VmState pre = VmState.decode(w.preState().toArray());
    if (pre.terminal()) {
      return pre.exited() ? ": exited state" : ": faulted state (class " + pre.exitCode() + ")";
    }
    String form = w.fetched() ? " " + form(w.instruction()) : "";
    if (w.fetched() && w.instruction() == ECALL) {
      int[] x = pre.regs();
      VmState post = VmState.decode(w.postState().toArray());
      form +=
          String.format(" a7=%d a0=%d a1=0x%08x a2=0x%08x", x[17], x[10], x[11], x[12])
              + (post.running() ? " -> a0=" + post.regs()[10] : "");
    }
    String what = form.isEmpty() ? "" : ":" + form;
    return w.status() == 2
        ? what
            + (what.isEmpty() ? ": " : ", ")
            + "faults, class "
            + VmState.decode(w.postState().toArray()).exitCode()
        : what;
  }

  /** Edge values through every ALU, shift, compare, branch, upper-immediate and jump form. */
  static List<Program> edgePrograms() {
    List<Integer> setup = new ArrayList<>();
    for (int k = 0; k < EDGES.length; k++) {
      add(setup, li(1 + k, EDGES[k]));
    }
    add(setup, li(6, 31), li(7, 32), li(9, 33));
    int[] dests = {8, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 0};
    int[] rd = {0};
    java.util.function.IntSupplier nextRd = () -> dests[rd[0]++ % dests.length];
    List<Integer> alu = new ArrayList<>();
    int[][] rOps = {
      {0, 0}, {0x20, 0}, {0, 2}, {0, 3}, {0, 4}, {0, 6}, {0, 7}, {1, 0}, {1, 1}, {1, 2}, {1, 3},
      {1, 4}, {1, 5}, {1, 6}, {1, 7}
    };
    for (int[] o : rOps) {
      for (int a = 1; a <= 5; a++) {
        for (int b = 1; b <= 5; b++) {
          alu.add(r(o[0], b, a, o[1], nextRd.getAsInt(), 0x33));
        }
      }
    }
    int[][] shifts = {{0, 1}, {0, 5}, {0x20, 5}};
    int[] amounts = {0, 2, 3, 6, 7, 9}; // x0 = 0, x2 = 1, x3 = -1 (31), 31, 32 (0), 33 (1)
    for (int[] o : shifts) {
      for (int a = 1; a <= 5; a++) {
        for (int b : amounts) {
          alu.add(r(o[0], b, a, o[1], nextRd.getAsInt(), 0x33));
        }
      }
    }
    int[] iOps = {0, 2, 3, 4, 6, 7};
    int[] imms = {0, 1, -1, 2047, -2048};
    for (int f3 : iOps) {
      for (int a = 1; a <= 5; a++) {
        for (int imm : imms) {
          alu.add(i(imm, a, f3, nextRd.getAsInt(), 0x13));
        }
      }
    }
    for (int[] o : new int[][] {{0, 1}, {0, 5}, {0x20, 5}}) {
      for (int a = 1; a <= 5; a++) {
        for (int sh : new int[] {0, 1, 31}) {
          alu.add(i(o[0] << 5 | sh, a, o[1], nextRd.getAsInt(), 0x13));
        }
      }
    }
    for (int imm : new int[] {0, 0x80000000, 0xfffff000, 0x7ffff000}) {
      alu.add(u(imm, nextRd.getAsInt(), 0x37));
      alu.add(u(imm, nextRd.getAsInt(), 0x17));
    }
    alu.add(0x0ff0000f); // fence iorw, iorw
    alu.add(0x0000100f); // fence.i
    alu.add(0x8330000f); // fence.tso
    List<Integer> branches = new ArrayList<>();
    for (int f3 : new int[] {0, 1, 4, 5, 6, 7}) {
      for (int a = 1; a <= 5; a++) {
        for (int b = 1; b <= 5; b++) {
          branches.add(b(8, b, a, f3)); // taken: skip the addi
          branches.add(addi(8, 8, 1));
        }
      }
    }
    List<Integer> jumps = new ArrayList<>();
    // jal forward over one instruction (rd = ra and rd = x0); auipc + jalr with an odd target (bit
    // 0 cleared) and a negative offset
    add(
        jumps,
        new int[] {
          jal(1, 8),
          addi(8, 8, 1),
          jal(0, 8),
          addi(8, 8, 1),
          u(0, 12, 0x17),
          i(13, 12, 0, 13, 0x67),
          addi(8, 8, 1),
          u(0, 12, 0x17),
          addi(12, 12, 64),
          i(-47, 12, 0, 0, 0x67),
          addi(8, 8, 1),
          jal(0, 12),
          addi(8, 8, 1),
          jal(0, 8),
          jal(5, -8)
        });
    List<Program> ps = new ArrayList<>();
    int setupSteps = setup.size();
    ps.add(caseProgram("edges-alu", concat(setup, alu), setupSteps, new byte[0], CFG, false));
    ps.add(
        caseProgram("edges-branch", concat(setup, branches), setupSteps, new byte[0], CFG, false));
    ps.add(caseProgram("edges-jump", concat(setup, jumps), 0, new byte[0], CFG, false));
    return ps;
  }

  /**
   * Loads and stores at every alignment across leaf and page boundaries and at the window's edges;
   * the faulting ones.
   */
  static List<Program> memoryPrograms() {
    List<Program> ps = new ArrayList<>();
    List<Integer> code = new ArrayList<>();
    add(code, li(5, 0x11223344), li(7, 0x8899aabb));
    int setupSteps = code.size();
    int page = DATA + 0x1000;
    for (int off : new int[] {0, 29, 30, 31, 0xffd, 0xffe, 0xfff}) {
      add(code, li(6, page + off));
      for (int f3 = 0; f3 <= 2; f3++) {
        code.add(s(0, f3 == 1 ? 7 : 5, 6, f3));
        for (int lf3 : new int[] {0, 1, 2, 4, 5}) {
          code.add(i(0, 6, lf3, 8 + lf3, 0x03));
        }
      }
    }
    // the window's first and last bytes: code at RAM_BASE, a word, a halfword and a byte ending at
    // ramEnd
    add(
        code,
        li(6, RAM_END),
        li(12, 0x10000),
        new int[] {
          lw(8, 12, 0),
          lw(9, 12, 1),
          sw(5, 6, -4),
          lw(8, 6, -4),
          s(-2, 7, 6, 1),
          i(-2, 6, 5, 8, 0x03),
          s(-1, 5, 6, 0),
          i(-1, 6, 4, 8, 0x03)
        });
    ps.add(caseProgram("memory-boundaries", toArray(code), setupSteps, new byte[0], CFG, true));
    // a small window (ramEnd 0x14000): its last word works, the next byte faults
    ps.add(
        caseProgram(
            "memory-small-window",
            concat(li(6, 0x14000), new int[] {sw(6, 6, -4), lw(8, 6, -4), i(0, 6, 0, 8, 0x03)}),
            2,
            new byte[0],
            CFG.withRamEnd(0x14000),
            true));
    Object[][] faults = {
      {"lb below RAM_BASE", new int[] {i(-1, 12, 0, 8, 0x03)}},
      {"lw starting below RAM_BASE", new int[] {lw(8, 12, -2)}},
      {"lw crossing ramEnd", new int[] {lw(8, 6, -3)}},
      {"lhu crossing ramEnd", new int[] {i(-1, 6, 5, 8, 0x03)}},
      {"sh crossing ramEnd", new int[] {s(-1, 5, 6, 1)}},
      {"sb at ramEnd", new int[] {s(0, 5, 6, 0)}},
      {"sw at 0x80000000", new int[] {sw(5, 13, 0)}},
      {"lw at 0xfffffffe (wraps)", new int[] {lw(8, 0, -2)}},
      {"lb at address 0", new int[] {i(0, 0, 0, 8, 0x03)}},
      {"fetch at ramEnd", new int[] {i(0, 6, 0, 0, 0x67)}},
      {"fetch below RAM_BASE", new int[] {i(-4, 12, 0, 0, 0x67)}},
      {"fetch at 0x80000000, pc = 2 mod 4 wins", new int[] {i(2, 13, 0, 0, 0x67)}},
      {"fetch of an unwritten word", new int[] {i(0x100, 12, 0, 0, 0x67)}},
      {"ebreak", new int[] {0x00100073}},
      {"all-zero word", new int[] {0}},
      {"0xffffffff", new int[] {0xffffffff}},
      {"csrrw", new int[] {0x34011073}},
      {"slli with shamt 32", new int[] {i(32, 5, 1, 8, 0x13)}},
      {"srai with funct7 0x21", new int[] {i(0x421, 5, 5, 8, 0x13)}},
      {"add with funct7 0x40", new int[] {r(0x40, 5, 5, 0, 8, 0x33)}},
      {"sub with funct3 1", new int[] {r(0x20, 5, 5, 1, 8, 0x33)}},
      {"load funct3 3 (ld)", new int[] {i(0, 6, 3, 8, 0x03)}},
      {"load funct3 6", new int[] {i(0, 6, 6, 8, 0x03)}},
      {"store funct3 3 (sd)", new int[] {s(0, 5, 6, 3)}},
      {"branch funct3 2", new int[] {b(8, 5, 5, 2)}},
      {"jalr funct3 1", new int[] {i(0, 6, 1, 0, 0x67)}},
      {"fence funct3 2", new int[] {0x0000200f}},
      {"opcode 0x0b (custom-0)", new int[] {0x0000000b}},
      {"ecall with rd set", new int[] {0x000000f3}},
    };
    for (Object[] f : faults) {
      int[] setup = concat(li(5, 0x11223344), li(6, RAM_END), li(12, 0x10000), li(13, 0x80000000));
      ps.add(
          caseProgram(
              "fault " + f[0], concat(setup, (int[]) f[1]), setup.length, new byte[0], CFG, true));
    }
    return ps;
  }

  /** li of a7, a0, a1, a2 then ecall. */
  static int[] ecall(int a7, int a0, int a1, int a2) {
    return concat(li(17, a7), li(10, a0), li(11, a1), li(12, a2), new int[] {ECALL});
  }

  /** read_input, write_output, log and unknown ecalls at their boundaries. */
  static List<Program> ecallPrograms() {
    List<Program> ps = new ArrayList<>();
    byte[] input = new byte[70];
    for (int k = 0; k < input.length; k++) {
      input[k] = (byte) (3 * k + 1);
    }
    int buf = DATA;
    ps.add(
        caseProgram(
            "read_input boundaries (70-byte input)",
            concat(
                ecall(63, 0, buf, 0), // n = 0
                ecall(63, 0, buf, 32), // a full chunk into a leaf-aligned buffer
                ecall(63, 0, buf + 0x54, 32), // the buffer's leaf has 12 bytes of room
                ecall(63, 0, buf + 0x60, 32), // cursor 44: the input chunk has 20 bytes left
                ecall(
                    63, 0, buf + 0x80, -1), // a2 = 2^32 - 1 (unsigned): the last 6 bytes, up to EOF
                ecall(63, 0, buf + 0xa0, 32), // EOF: n = 0
                ecall(63, 0, 0, 32), // EOF with a buffer outside the window: n = 0, no fault
                ecall(93, 0, 0, 0)),
            0,
            input,
            CFG,
            true));
    ps.add(
        caseProgram(
            "read_input into a buffer below RAM_BASE",
            ecall(63, 0, 0xfff0, 8),
            0,
            input,
            CFG,
            true));
    ps.add(caseProgram("read_input from fd 1", ecall(63, 1, buf, 8), 0, input, CFG, true));
    ps.add(
        caseProgram(
            "read_input of the empty input",
            concat(ecall(63, 0, buf, 32), ecall(93, -1, 0, 0)),
            0,
            new byte[0],
            CFG,
            true));
    List<Integer> fill = new ArrayList<>();
    add(fill, li(5, buf), li(6, 0x01020304));
    for (int k = 0; k < 40; k++) {
      fill.add(sw(6, 5, 4 * k));
    }
    int fillSteps = fill.size();
    ps.add(
        caseProgram(
            "write_output boundaries (outputLimit 70)",
            concat(
                toArray(fill),
                ecall(64, 1, buf, 0), // n = 0
                ecall(64, 1, buf, 32), // a full chunk: outputAcc advances
                ecall(64, 1, buf + 0x54, 32), // the buffer's leaf has 12 bytes of room
                ecall(
                    64,
                    1,
                    buf + 0x40,
                    32), // outputLength 44: the output chunk has 20 bytes left; 64 completes a
                // chunk
                ecall(64, 1, buf + 0x40, 6), // 70: the limit exactly reached
                ecall(64, 1, buf, 0), // n = 0 at the limit: no fault
                ecall(64, 2, 0, 5), // log from outside the window: a0 = 5, no fault
                ecall(64, 2, buf, -1), // log of 2^32 - 1 bytes: a0 = a2
                ecall(64, 1, buf, 1)), // 71 > 70: class 5
            fillSteps,
            new byte[0],
            CFG.withOutputLimit(70),
            true));
    ps.add(
        caseProgram(
            "write_output below RAM_BASE with outputLimit 0: class 3 before class 5",
            ecall(64, 1, 0x100, 4),
            0,
            new byte[0],
            CFG.withOutputLimit(0),
            true));
    ps.add(
        caseProgram(
            "write_output with outputLimit 0",
            ecall(64, 1, buf, 4),
            0,
            new byte[0],
            CFG.withOutputLimit(0),
            true));
    ps.add(
        caseProgram(
            "write_output across ramEnd's last leaf",
            concat(ecall(64, 1, RAM_END - 3, 32), ecall(93, 7, 0, 0)),
            0,
            new byte[0],
            CFG,
            true));
    ps.add(caseProgram("write to fd 3", ecall(64, 3, buf, 4), 0, new byte[0], CFG, true));
    ps.add(caseProgram("write to fd 0", ecall(64, 0, buf, 4), 0, new byte[0], CFG, true));
    ps.add(caseProgram("ecall a7=0", ecall(0, 0, buf, 4), 0, new byte[0], CFG, true));
    ps.add(caseProgram("ecall a7=-1", ecall(-1, 0, buf, 4), 0, new byte[0], CFG, true));
    ps.add(caseProgram("exit with code 2^32 - 1", ecall(93, -1, 0, 0), 0, new byte[0], CFG, true));
    return ps;
  }

  /**
   * The program's steps from {@code fromStep} on, the terminal self-step included when {@code
   * terminal}.
   */
  static Program caseProgram(
      String name, int[] code, int fromStep, byte[] input, VmConfig cfg, boolean terminal) {
    int[] withExit = concat(code, li(17, 93), li(10, 0), new int[] {ECALL});
    return new Program(
        name, "", TestElf.build(withExit, 0x3000), input, cfg, fromStep, Long.MAX_VALUE, terminal);
  }

  // ------------------------------------------------------------------ mutants

  static List<Entry> mutants(List<Witness> all) {
    List<Entry> out = new ArrayList<>();
    Set<String> kinds = new TreeSet<>();
    // one base witness per kind of step: instruction form or terminal state, outcome, number of
    // accesses, input chunk
    Map<String, Witness> byKind = new LinkedHashMap<>();
    for (Witness w : all) {
      byKind.putIfAbsent(
          describe(w)
              + "/"
              + w.status()
              + "/"
              + w.accesses().size()
              + "/"
              + w.inputChunk().isPresent(),
          w);
    }
    List<Witness> bases = List.copyOf(byKind.values());
    int n = 0;
    for (Witness w : bases) {
      String of = " of " + n++ + describe(w);
      byte[] pre = w.preState().toArray();
      byte[] proof = w.proof().toArray();
      out.add(bad("trailing byte" + of, pre, concat(proof, new byte[] {0})));
      if (proof.length == 0) {
        kinds.add("terminal");
        continue;
      }
      out.add(bad("truncated proof" + of, pre, Arrays.copyOf(proof, proof.length - 1)));
      out.add(bad("empty proof" + of, pre, new byte[0]));
      out.add(bad("wrong leaf value" + of, pre, flip(proof, 5, 0x01)));
      int mask = ByteBuffer.wrap(proof, 32, 4).getInt();
      out.add(bad("mask bit 27 set" + of, pre, flip(proof, 32, 0x08)));
      if (mask != 0x07ff_ffff) {
        out.add(bad("flipped sibling" + of, pre, flip(proof, 36 + 31, 0x40)));
        int level = Integer.numberOfTrailingZeros(~mask);
        out.add(
            bad(
                "mask bit " + level + " set over an explicit sibling" + of,
                pre,
                flip(proof, 35 - level / 8, 1 << (level % 8))));
      }
      if (mask != 0) {
        int level = Integer.numberOfTrailingZeros(mask);
        out.add(
            bad(
                "mask bit " + level + " cleared (a zero sibling left out)" + of,
                pre,
                flip(proof, 35 - level / 8, 1 << (level % 8))));
      }
      if (w.accesses().size() > 1) {
        int second = 36 + 32 * (27 - Integer.bitCount(mask));
        out.add(bad("wrong value of the second leaf" + of, pre, flip(proof, second + 3, 0x10)));
        out.add(
            bad(
                "second record with a mask bit at level >= k" + of,
                pre,
                flip(proof, second + 32, 0x04)));
        kinds.add("multi");
      }
      if (w.inputChunk().isPresent() && w.inputChunk().get() instanceof InputChunkProof c) {
        byte[] chunk = c.chunk().bytes();
        chunk[31] ^= 1;
        List<Bytes32> after = new ArrayList<>();
        for (var a : w.accesses()) {
          after.add(
              a.leaf()); // the shared siblings only depend on the fetch leaf, which a read_input
          // does not write
        }
        byte[] wrongChunk =
            ProofEncoder.encode(
                w.accesses(),
                after,
                java.util.Optional.of(
                    new InputChunkProof(c.chunkIndex(), new Bytes32(chunk), c.proof())));
        assertThat(wrongChunk).hasSameSizeAs(proof);
        out.add(bad("wrong input chunk" + of, pre, wrongChunk));
        out.add(bad("input record missing" + of, pre, Arrays.copyOf(proof, inputRecordStart(w))));
        kinds.add("input");
      }
      out.add(
          bad(
              "wrong memRoot" + of,
              with(
                  pre,
                  b ->
                      b.put(
                          VmState.OFF_MEM_ROOT + 7, (byte) (b.get(VmState.OFF_MEM_ROOT + 7) ^ 2))),
              proof));
    }
    assertThat(kinds).contains("terminal", "multi", "input");
    Witness w = bases.get(1);
    byte[] pre = w.preState().toArray();
    byte[] proof = w.proof().toArray();
    List<Map.Entry<String, Consumer<ByteBuffer>>> invalid =
        List.of(
            Map.entry("status 3", b -> b.putInt(VmState.OFF_STATUS, 3)),
            Map.entry("exitCode 1 on a running state", b -> b.putInt(VmState.OFF_EXIT_CODE, 1)),
            Map.entry(
                "inputCursor > inputLength",
                b -> b.putInt(VmState.OFF_INPUT_CURSOR, b.getInt(VmState.OFF_INPUT_LENGTH) + 1)),
            Map.entry(
                "ramEnd not a multiple of 4096", b -> b.putInt(VmState.OFF_RAM_END, RAM_END + 4)),
            Map.entry("ramEnd = RAM_BASE", b -> b.putInt(VmState.OFF_RAM_END, 0x10000)),
            Map.entry("ramEnd above 0x80000000", b -> b.putInt(VmState.OFF_RAM_END, 0x80001000)),
            Map.entry("x0 not zero", b -> b.putInt(VmState.OFF_REGS, 1)),
            Map.entry(
                "outputLength > outputLimit",
                b -> b.putInt(VmState.OFF_OUTPUT_LIMIT, 0).putInt(VmState.OFF_OUTPUT_LENGTH, 1)),
            Map.entry(
                "outputBuf byte past outputLength mod 32",
                b -> b.put(VmState.OFF_OUTPUT_BUF + 31, (byte) 1)),
            Map.entry("step 2^63", b -> b.putLong(VmState.OFF_STEP, Long.MIN_VALUE)),
            Map.entry("faulted with class 0", b -> b.putInt(VmState.OFF_STATUS, 2)),
            Map.entry(
                "faulted with class 6",
                b -> b.putInt(VmState.OFF_STATUS, 2).putInt(VmState.OFF_EXIT_CODE, 6)),
            Map.entry(
                "exited with exitCode 2^32-1 and proof bytes",
                b -> b.putInt(VmState.OFF_STATUS, 1).putInt(VmState.OFF_EXIT_CODE, -1)),
            Map.entry(
                "running at step 2^63 - 1 (no successor)",
                b -> b.putLong(VmState.OFF_STEP, Long.MAX_VALUE)));
    for (var e : invalid) {
      out.add(
          bad(
              "pre-state " + e.getKey() + " (of " + describe(w).replaceFirst("^: ", "") + ")",
              with(pre, e.getValue()),
              proof));
    }
    out.add(bad("pre-state of 295 bytes", Arrays.copyOf(pre, 295), proof));
    out.add(bad("pre-state of 297 bytes", Arrays.copyOf(pre, 297), proof));
    return out;
  }

  /**
   * Where a read_input witness's input record starts: after its memory records (re-encoded without
   * it).
   */
  static int inputRecordStart(Witness w) {
    List<Bytes32> after = new ArrayList<>();
    for (var a : w.accesses()) {
      after.add(a.leaf());
    }
    return ProofEncoder.encode(w.accesses(), after, java.util.Optional.empty()).length;
  }

  static byte[] flip(byte[] b, int at, int bits) {
    byte[] c = b.clone();
    c[at] ^= (byte) bits;
    return c;
  }

  static byte[] with(byte[] pre, Consumer<ByteBuffer> change) {
    byte[] c = pre.clone();
    change.accept(ByteBuffer.wrap(c));
    return c;
  }

  // ------------------------------------------------------------------ rendering and checks

  static String render(String name, List<Entry> entries) {
    StringBuilder s =
        new StringBuilder("{\"spec\":\"docs/spec/vm.md v2\",\"name\":\"")
            .append(name)
            .append("\",\n");
    array(s, "note", entries, e -> '"' + e.note().replace("\"", "'") + '"');
    array(s, "pre", entries, e -> '"' + Hex.encode(e.pre()) + '"');
    array(s, "proof", entries, e -> '"' + Hex.encode(e.proof()) + '"');
    array(s, "ok", entries, e -> Boolean.toString(e.ok()));
    array(s, "post", entries, e -> '"' + e.post().toHex() + '"');
    s.append("\"status\":[");
    for (int k = 0; k < entries.size(); k++) {
      s.append(k == 0 ? "" : ",").append(entries.get(k).status());
    }
    return s.append("]}\n").toString();
  }

  static void array(
      StringBuilder s,
      String field,
      List<Entry> entries,
      java.util.function.Function<Entry, String> value) {
    s.append('"').append(field).append("\":[\n");
    for (int k = 0; k < entries.size(); k++) {
      s.append(value.apply(entries.get(k))).append(k + 1 < entries.size() ? ",\n" : "\n");
    }
    s.append("],\n");
  }

  @Test
  void corpusMatchesTheVmAndTheCheckerAgrees() throws IOException {
    Map<String, List<Entry>> corpus = corpus();
    Set<String> forms = new TreeSet<>();
    for (List<Entry> entries : corpus.values()) {
      assertThat(entries.size()).isBetween(1, MAX_ENTRIES);
      for (Entry e : entries) {
        if (e.ok()) {
          assertThat(WitnessChecker.step(e.pre(), e.proof()))
              .as(e.note())
              .isEqualTo(new WitnessChecker.Result(e.post(), e.status()));
          VmState pre = VmState.decode(e.pre());
          if (pre.running() && e.proof().length >= 36) {
            byte[] leaf = Arrays.copyOf(e.proof(), 32);
            int at = pre.pc() & 31;
            forms.add(
                form(
                    leaf[at] & 0xff
                        | (leaf[at + 1] & 0xff) << 8
                        | (leaf[at + 2] & 0xff) << 16
                        | (leaf[at + 3] & 0xff) << 24));
          }
        } else {
          assertThatThrownBy(() -> WitnessChecker.step(e.pre(), e.proof()))
              .as(e.note())
              .isInstanceOf(WitnessRejected.class);
        }
      }
    }
    forms.remove("illegal");
    assertThat(forms).as("every RV32IM instruction form").hasSize(48);
    boolean write = Boolean.getBoolean("trustdial.vm.writeCorpus");
    if (write) {
      Files.createDirectories(DIR);
      try (Stream<Path> old = Files.list(DIR)) {
        for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
          Files.delete(p);
        }
      }
    }
    long total = 0;
    for (var e : corpus.entrySet()) {
      String fresh = render(e.getKey(), e.getValue());
      total += fresh.length();
      Path file = DIR.resolve(e.getKey() + ".json");
      if (write) {
        Files.writeString(file, fresh, StandardCharsets.UTF_8);
      }
      assertThat(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "")
          .as(file + ": regenerate with " + "-Dtrustdial.vm.writeCorpus=true")
          .isEqualTo(fresh);
    }
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(
              files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted())
          .containsExactlyElementsOf(
              corpus.keySet().stream().map(k -> k + ".json").sorted().toList());
    }
    assertThat(total).isLessThan(MAX_TOTAL_BYTES);
  }

  /** The 48 RV32IM forms of docs/spec/vm.md §1 (FENCE.I counted with FENCE), or "illegal". */
  static String form(int w) {
    int op = w & 0x7f;
    int f3 = (w >>> 12) & 7;
    int f7 = w >>> 25;
    return switch (op) {
      case 0x37 -> "lui";
      case 0x17 -> "auipc";
      case 0x6f -> "jal";
      case 0x67 -> f3 == 0 ? "jalr" : "illegal";
      case 0x63 ->
          new String[] {"beq", "bne", "illegal", "illegal", "blt", "bge", "bltu", "bgeu"}[f3];
      case 0x03 ->
          new String[] {"lb", "lh", "lw", "illegal", "lbu", "lhu", "illegal", "illegal"}[f3];
      case 0x23 -> f3 <= 2 ? new String[] {"sb", "sh", "sw"}[f3] : "illegal";
      case 0x13 ->
          switch (f3) {
            case 1 -> f7 == 0 ? "slli" : "illegal";
            case 5 -> f7 == 0 ? "srli" : f7 == 0x20 ? "srai" : "illegal";
            default -> new String[] {"addi", "", "slti", "sltiu", "xori", "", "ori", "andi"}[f3];
          };
      case 0x33 ->
          f7 == 0
              ? new String[] {"add", "sll", "slt", "sltu", "xor", "srl", "or", "and"}[f3]
              : f7 == 1
                  ? new String[] {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"}
                      [f3]
                  : f7 == 0x20 && f3 == 0 ? "sub" : f7 == 0x20 && f3 == 5 ? "sra" : "illegal";
      case 0x0f -> f3 <= 1 ? "fence" : "illegal";
      case 0x73 -> w == 0x73 ? "ecall" : w == 0x00100073 ? "ebreak" : "illegal";
      default -> "illegal";
    };
  }

  static void add(List<Integer> code, int[]... parts) {
    for (int[] p : parts) {
      for (int x : p) {
        code.add(x);
      }
    }
  }

  static int[] toArray(List<Integer> code) {
    return code.stream().mapToInt(Integer::intValue).toArray();
  }

  static int[] concat(List<Integer> a, List<Integer> b) {
    return VectorPrograms.concat(toArray(a), toArray(b));
  }

  static int[] concat(int[]... parts) {
    return VectorPrograms.concat(parts);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
