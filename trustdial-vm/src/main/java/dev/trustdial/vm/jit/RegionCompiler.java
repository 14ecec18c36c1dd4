package dev.trustdial.vm.jit;

import static dev.trustdial.vm.cpu.Decoder.*;
import static java.lang.constant.ConstantDescs.*;

import dev.trustdial.vm.memory.Memory;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a region of one decoded code page to a JVM class implementing {@link CompiledRegion},
 * with the JDK's {@code java.lang.classfile} API. A region is the basic blocks reachable from an
 * entry inside the page (branch targets and fall-throughs, up to a budget of instructions); jumps
 * between them are JVM gotos, so guest loops stay inside one JVM method. Registers live in JVM
 * locals (loaded at entry, written back at the one exit). Each block first checks that all its
 * steps fit in the steps left and else exits before it, so the caller's step limit (a checkpoint
 * boundary, the job's limit) is never passed. Anything the fast path does not cover (an access
 * outside the window or misaligned, ecall, ebreak, an illegal word) exits before that instruction
 * with the steps before it counted, and the interpreter executes it: faults, I/O and their steps
 * are always the interpreter's own.
 */
final class RegionCompiler {
  private RegionCompiler() {}

  /**
   * The JVM compiles no method whose bytecode is above 8000 bytes (HugeMethodLimit): stay below.
   */
  static final int MAX_CODE_BYTES = 7900;

  private static final int L_X = 1,
      L_MEM = 2,
      L_PC = 3,
      L_LEFT = 4,
      L_EXIT = 5,
      L_ADDR = 6,
      L_REG = 6; // x_r in L_REG + r
  private static final ClassDesc CD_MEMORY = ClassDesc.of(Memory.class.getName());
  private static final ClassDesc CD_OPS = ClassDesc.of(JitOps.class.getName());
  private static final ClassDesc CD_REGION = ClassDesc.of(CompiledRegion.class.getName());
  private static final MethodTypeDesc MT_RUN =
      MethodTypeDesc.of(CD_long, CD_int.arrayType(), CD_MEMORY, CD_int, CD_int);
  private static final MethodTypeDesc MT_I_I = MethodTypeDesc.of(CD_int, CD_int);
  private static final MethodTypeDesc MT_I_II = MethodTypeDesc.of(CD_int, CD_int, CD_int);
  private static final MethodTypeDesc MT_V_II = MethodTypeDesc.of(CD_void, CD_int, CD_int);
  private static final MethodTypeDesc MT_V_III = MethodTypeDesc.of(CD_void, CD_int, CD_int, CD_int);
  private static final ClassFile CF =
      ClassFile.of(
          ClassFile.ClassHierarchyResolverOption.of(
              ClassHierarchyResolver.ofClassLoading(RegionCompiler.class.getClassLoader())));

  /**
   * A translated region: the class file, how many guest instructions it covers and its bytecode
   * size.
   */
  record Translation(byte[] classBytes, int instructions, int codeBytes) {}

  /**
   * Fields of instruction i (pc & 0xfff == 4i) in a decoded page: (op word, imm) at 4i, a
   * MISALIGNED pair at 4i + 2.
   */
  static int op(int[] dec, int i) {
    return dec[4 * i] & 0xff;
  }

  private static int rd(int[] dec, int i) {
    return (dec[4 * i] >>> 8) & 31;
  }

  private static int rs1(int[] dec, int i) {
    return (dec[4 * i] >>> 13) & 31;
  }

  private static int rs2(int[] dec, int i) {
    return (dec[4 * i] >>> 18) & 31;
  }

  private static int imm(int[] dec, int i) {
    return dec[4 * i + 1];
  }

  /**
   * Instructions translated code executes itself; the others end a block and go to the interpreter.
   */
  static boolean translatable(int op) {
    return op >= LUI && op <= REMU && op != ECALL && op != EBREAK;
  }

  static boolean endsBlock(int op) {
    return op == JAL || op == JALR || (op >= BEQ && op <= BGEU);
  }

  private static boolean writesRd(int op) {
    return !(op >= BEQ && op <= BGEU) && !(op >= SB && op <= SW) && op != FENCE;
  }

  /**
   * Instruction index of a jump target inside this page, or -1 (other page, or a misaligned pc).
   */
  private static int targetIndex(int i, int imm) {
    if ((imm & 3) != 0) {
      return -1;
    }
    int t = i + (imm >> 2);
    return t >= 0 && t < 1024 ? t : -1;
  }

  /**
   * Translates the region entered at instruction {@code entry} of the page at {@code pageBase}
   * whose decoded form is {@code dec}, covering at most {@code budget} instructions. Returns null
   * when the entry itself is not translatable.
   */
  static Translation translate(int[] dec, int pageBase, int entry, int budget, int window) {
    boolean[] covered = new boolean[1024];
    boolean[] leader = new boolean[1024];
    ArrayDeque<Integer> work = new ArrayDeque<>();
    leader[entry] = true;
    work.add(entry);
    int count = 0;
    while (!work.isEmpty()) {
      int i = work.poll();
      for (int j = i; j < 1024 && count < budget; j++) {
        if (covered[j]) {
          leader[j] = true; // the scan ran into a block found before: split it here
          break;
        }
        int op = op(dec, j);
        if (!translatable(op)) {
          break;
        }
        covered[j] = true;
        count++;
        if (endsBlock(op)) {
          if (op != JALR) {
            int t = targetIndex(j, imm(dec, j));
            if (t >= 0 && !leader[t]) {
              leader[t] = true;
              work.add(t);
            }
          }
          if (op != JAL && op != JALR && j + 1 < 1024 && !leader[j + 1]) {
            leader[j + 1] = true;
            work.add(j + 1);
          }
          break;
        }
      }
    }
    if (!covered[entry]) {
      return null;
    }
    boolean[] used = new boolean[32];
    boolean[] written = new boolean[32];
    for (int j = 0; j < 1024; j++) {
      if (covered[j]) {
        int op = op(dec, j);
        used[rs1(dec, j)] = used[rs2(dec, j)] = true;
        if (writesRd(op)) {
          used[rd(dec, j)] = written[rd(dec, j)] = true;
        }
      } else {
        leader[j] = false;
      }
    }
    used[0] = written[0] = false;
    final int instructions = count;
    byte[] bytes =
        CF.build(
            ClassDesc.of(RegionCompiler.class.getPackageName() + ".Region"),
            cb -> {
              cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
              cb.withInterfaceSymbols(CD_REGION);
              cb.withMethodBody(
                  INIT_NAME,
                  MTD_void,
                  ClassFile.ACC_PUBLIC,
                  c -> c.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
              cb.withMethodBody(
                  "run",
                  MT_RUN,
                  ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                  c ->
                      new Emitter(c, dec, pageBase, window, covered, leader, used, written)
                          .emit(entry));
            });
    int codeBytes =
        CF.parse(bytes).methods().stream()
            .filter(m -> m.methodName().equalsString("run"))
            .map(MethodModel::code)
            .flatMap(java.util.Optional::stream)
            .mapToInt(code -> ((java.lang.classfile.attribute.CodeAttribute) code).codeLength())
            .sum();
    return new Translation(bytes, instructions, codeBytes);
  }

  /** Emits the body of run(x, mem, pc, left) for one region. */
  private static final class Emitter {
    private final CodeBuilder c;
    private final int[] dec;
    private final int pageBase;
    private final int window;
    private final boolean[] covered;
    private final boolean[] leader;
    private final boolean[] used;
    private final boolean[] written;
    private final Label[] labels = new Label[1024];
    private final Label exit;

    /** Exit stubs by (pc, steps to give back), shared by the sites that exit the same way. */
    private final Map<Long, Label> stubs = new HashMap<>();

    private final List<long[]> stubOrder = new ArrayList<>();

    Emitter(
        CodeBuilder c,
        int[] dec,
        int pageBase,
        int window,
        boolean[] covered,
        boolean[] leader,
        boolean[] used,
        boolean[] written) {
      this.c = c;
      this.dec = dec;
      this.pageBase = pageBase;
      this.window = window;
      this.covered = covered;
      this.leader = leader;
      this.used = used;
      this.written = written;
      this.exit = c.newLabel();
    }

    private int pcOf(int i) {
      return pageBase + 4 * i;
    }

    /**
     * A label that exits with pc and gives back {@code refund} steps of the current block that did
     * not run.
     */
    private Label stub(int pc, int refund) {
      long key = (long) pc << 32 | refund;
      return stubs.computeIfAbsent(
          key,
          k -> {
            stubOrder.add(new long[] {pc, refund});
            return c.newLabel();
          });
    }

    private void reg(int r) {
      if (r == 0) {
        c.iconst_0();
      } else {
        c.iload(L_REG + r);
      }
    }

    private void set(int rd) {
      c.istore(L_REG + rd);
    }

    /**
     * Branches to bail when ADDR is outside [RAM_BASE, ramEnd): one signed compare after a shift by
     * MIN.
     */
    private void windowCheck(Label bail) {
      c.iload(L_ADDR)
          .loadConstant(Integer.MIN_VALUE - Memory.RAM_BASE)
          .iadd()
          .loadConstant(window + Integer.MIN_VALUE)
          .if_icmpge(bail);
    }

    private void alignCheck(int mask, Label bail) {
      c.iload(L_ADDR).loadConstant(mask).iand().ifne(bail);
    }

    private void address(int i) {
      reg(rs1(dec, i));
      c.loadConstant(imm(dec, i)).iadd().istore(L_ADDR);
    }

    private Label jumpTarget(int i, int imm) {
      int t = targetIndex(i, imm);
      return t >= 0 && leader[t] ? labels[t] : stub(pcOf(i) + imm, 0);
    }

    void emit(int entry) {
      for (int j = 0; j < 1024; j++) {
        if (leader[j]) {
          labels[j] = c.newLabel();
        }
      }
      for (int r = 1; r < 32; r++) {
        if (used[r]) {
          c.aload(L_X).loadConstant(r).iaload().istore(L_REG + r);
        }
      }
      c.iconst_0().istore(L_EXIT).iconst_0().istore(L_ADDR);
      // one entry: with several, the guest's loops would be irreducible to the JVM's compiler
      Label unknownEntry = c.newLabel();
      c.iload(L_PC).loadConstant(pcOf(entry)).if_icmpne(unknownEntry).goto_(labels[entry]);
      int blockLen = 0;
      int pos = 0;
      for (int j = 0; j < 1024; j++) {
        if (!covered[j]) {
          continue;
        }
        if (leader[j]) {
          blockLen = 0;
          for (int k = j; ; k++) {
            blockLen++;
            if (endsBlock(op(dec, k)) || k + 1 >= 1024 || !covered[k + 1] || leader[k + 1]) {
              break;
            }
          }
          pos = 0;
          c.labelBinding(labels[j]);
          c.iload(L_LEFT)
              .loadConstant(blockLen)
              .if_icmplt(stub(pcOf(j), 0))
              .iinc(L_LEFT, -blockLen);
        }
        instruction(j, blockLen - pos);
        pos++;
        int op = op(dec, j);
        if (!endsBlock(op) && (j + 1 >= 1024 || !covered[j + 1])) {
          c.goto_(stub(pcOf(j + 1), 0));
        }
      }
      c.labelBinding(unknownEntry);
      c.iload(L_PC).istore(L_EXIT).goto_(exit);
      for (long[] s : stubOrder) {
        c.labelBinding(stubs.get(s[0] << 32 | s[1]));
        if (s[1] != 0) {
          c.iinc(L_LEFT, (int) s[1]);
        }
        c.loadConstant((int) s[0]).istore(L_EXIT).goto_(exit);
      }
      c.labelBinding(exit);
      for (int r = 1; r < 32; r++) {
        if (written[r]) {
          c.aload(L_X).loadConstant(r).iload(L_REG + r).iastore();
        }
      }
      c.iload(L_EXIT).i2l().loadConstant(32).lshl().iload(L_LEFT).i2l().lor().lreturn();
    }

    /**
     * Emits instruction i; {@code rest} counts it and the block's instructions after it (steps to
     * give back if it bails).
     */
    private void instruction(int i, int rest) {
      int op = op(dec, i);
      int rd = rd(dec, i);
      int rs1 = rs1(dec, i);
      int rs2 = rs2(dec, i);
      int imm = imm(dec, i);
      int pc = pcOf(i);
      switch (op) {
        case LUI -> {
          if (rd != 0) {
            c.loadConstant(imm);
            set(rd);
          }
        }
        case AUIPC -> {
          if (rd != 0) {
            c.loadConstant(pc + imm);
            set(rd);
          }
        }
        case JAL -> {
          if (rd != 0) {
            c.loadConstant(pc + 4);
            set(rd);
          }
          c.goto_(jumpTarget(i, imm));
        }
        case JALR -> {
          reg(rs1);
          c.loadConstant(imm)
              .iadd()
              .loadConstant(~1)
              .iand()
              .istore(L_EXIT); // target before rd: rd may be rs1
          if (rd != 0) {
            c.loadConstant(pc + 4);
            set(rd);
          }
          c.goto_(exit);
        }
        case BEQ, BNE, BLT, BGE, BLTU, BGEU -> {
          Label taken = jumpTarget(i, imm);
          boolean unsigned = op == BLTU || op == BGEU;
          reg(rs1);
          if (unsigned) {
            c.loadConstant(Integer.MIN_VALUE).ixor();
          }
          reg(rs2);
          if (unsigned) {
            c.loadConstant(Integer.MIN_VALUE).ixor();
          }
          switch (op) {
            case BEQ -> c.if_icmpeq(taken);
            case BNE -> c.if_icmpne(taken);
            case BLT, BLTU -> c.if_icmplt(taken);
            default -> c.if_icmpge(taken);
          }
          if (i + 1 >= 1024 || !covered[i + 1]) {
            c.goto_(stub(pc + 4, 0));
          }
        }
        case LB, LBU, LH, LHU, LW -> {
          Label bail = stub(pc, rest);
          address(i);
          if (op == LW) {
            alignCheck(3, bail);
          } else if (op == LH || op == LHU) {
            alignCheck(1, bail);
          }
          windowCheck(bail); // an aligned access that starts in the window ends in it: ramEnd is
          // page-aligned
          if (rd != 0) {
            c.aload(L_MEM).iload(L_ADDR);
            switch (op) {
              case LW -> c.invokevirtual(CD_MEMORY, "loadWordAligned", MT_I_I);
              case LB -> c.invokevirtual(CD_MEMORY, "loadByte", MT_I_I).i2b();
              case LBU -> c.invokevirtual(CD_MEMORY, "loadByte", MT_I_I);
              case LH -> c.loadConstant(2).invokevirtual(CD_MEMORY, "load", MT_I_II).i2s();
              default -> c.loadConstant(2).invokevirtual(CD_MEMORY, "load", MT_I_II);
            }
            set(rd);
          }
        }
        case SB, SH, SW -> {
          Label bail = stub(pc, rest);
          address(i);
          if (op == SW) {
            alignCheck(3, bail);
          } else if (op == SH) {
            alignCheck(1, bail);
          }
          windowCheck(bail);
          c.aload(L_MEM).iload(L_ADDR);
          switch (op) {
            case SW -> {
              reg(rs2);
              c.invokevirtual(CD_MEMORY, "storeWordAligned", MT_V_II);
            }
            case SB -> {
              reg(rs2);
              c.invokevirtual(CD_MEMORY, "storeByte", MT_V_II);
            }
            default -> {
              c.loadConstant(2);
              reg(rs2);
              c.invokevirtual(CD_MEMORY, "store", MT_V_III);
            }
          }
          // a store into a page holding decoded code ends the region: it may have rewritten what
          // follows
          c.aload(L_MEM)
              .getfield(CD_MEMORY, "codeInvalidated", CD_boolean)
              .ifne(stub(pc + 4, rest - 1));
        }
        case FENCE -> {} // fence.i too: stores to code already end the region, and the page is
        // decoded afresh
        default -> alu(op, rd, rs1, rs2, imm);
      }
    }

    private void alu(int op, int rd, int rs1, int rs2, int imm) {
      if (rd == 0) {
        return; // no effect but the step, which the block counts
      }
      if (op == ADDI && rd == rs1 && imm == (short) imm) {
        c.iinc(L_REG + rd, imm);
        return;
      }
      reg(rs1);
      if (op >= ADDI && op <= SRAI) {
        c.loadConstant(imm);
      } else {
        reg(rs2);
      }
      switch (op) {
        case ADDI, ADD -> c.iadd();
        case SUB -> c.isub();
        case SLTI, SLT -> c.invokestatic(CD_OPS, "slt", MT_I_II);
        case SLTIU, SLTU -> c.invokestatic(CD_OPS, "sltu", MT_I_II);
        case XORI, XOR -> c.ixor();
        case ORI, OR -> c.ior();
        case ANDI, AND -> c.iand();
        case SLLI, SLL -> c.ishl(); // the JVM masks the shift to 5 bits, as RV32 does
        case SRLI, SRL -> c.iushr();
        case SRAI, SRA -> c.ishr();
        case MUL -> c.imul();
        case MULH -> c.invokestatic(CD_OPS, "mulh", MT_I_II);
        case MULHSU -> c.invokestatic(CD_OPS, "mulhsu", MT_I_II);
        case MULHU -> c.invokestatic(CD_OPS, "mulhu", MT_I_II);
        case DIV -> c.invokestatic(CD_OPS, "div", MT_I_II);
        case DIVU -> c.invokestatic(CD_OPS, "divu", MT_I_II);
        case REM -> c.invokestatic(CD_OPS, "rem", MT_I_II);
        case REMU -> c.invokestatic(CD_OPS, "remu", MT_I_II);
        default -> throw new IllegalStateException("not an ALU op: " + op);
      }
      set(rd);
    }
  }
}
