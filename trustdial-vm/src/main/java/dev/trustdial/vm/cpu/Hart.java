package dev.trustdial.vm.cpu;

import static dev.trustdial.vm.cpu.Decoder.*;

import dev.trustdial.vm.FaultClass;
import dev.trustdial.vm.GuestFault;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;

/**
 * The RV32IM interpreter: one hart, decoded instructions cached per code page, no allocation per
 * step. Every instruction is one step. A fault (docs/spec/vm.md §6) enters the faulted terminal
 * state: step + 1, status 2, exitCode the class, everything else as before the faulting
 * instruction. The public fields are the architectural state; only Machine and WitnessBuilder in
 * this module touch them, between runs.
 */
public final class Hart {
  public final int[] x = new int[32];
  public int pc;
  public long step;

  /** {@link VmState#RUNNING}, {@link VmState#EXITED} or {@link VmState#FAULTED}. */
  public int status;

  public int exitCode;

  /** The state's ramEnd: the window is [RAM_BASE, ramEnd). */
  public final int ramEnd;

  /** ramEnd - RAM_BASE: an address a is in the window iff (a - RAM_BASE) is below it, unsigned. */
  private final int window;

  /**
   * Why the machine faulted, when it faulted in this process (a restored faulted state has none).
   */
  public GuestFault fault;

  public final Memory mem;
  public final GuestIo io;

  private static final int[] ILLEGAL_PAGE = Decoder.decodePage(new int[1024]);

  public Hart(Memory mem, GuestIo io, int ramEnd) {
    if (!VmState.validRamEnd(ramEnd)) {
      throw new IllegalArgumentException(
          String.format("ramEnd 0x%08x is not a valid window end", ramEnd));
    }
    this.mem = mem;
    this.io = io;
    this.ramEnd = ramEnd;
    this.window = ramEnd - Memory.RAM_BASE;
  }

  private int[] decodedPage(int pageIndex) {
    Memory.Page p = mem.pageOrNull(pageIndex << Memory.PAGE_SHIFT);
    if (p == null) {
      return ILLEGAL_PAGE;
    }
    int[] d = p.decoded;
    if (d == null) {
      d = Decoder.decodePage(p.words);
      p.decoded = d;
    }
    return d;
  }

  private static GuestFault fault(int atPc, long atStep, FaultClass c, String reason) {
    return new GuestFault(atStep, atPc, c, reason);
  }

  private boolean inWindow(int addr) {
    return Integer.compareUnsigned(addr - Memory.RAM_BASE, window) < 0;
  }

  private void checkRange(int addr, int size, int atPc, long atStep, String what) {
    if (!Memory.inWindow(addr, size, ramEnd)) {
      throw fault(
          atPc,
          atStep,
          FaultClass.OUT_OF_RANGE,
          String.format(
              "out-of-range %s of %d bytes at 0x%08x (RAM is 0x%08x..0x%08x)",
              what, size, addr, Memory.RAM_BASE, ramEnd - 1));
    }
  }

  /** Runs until step == limit or the state is terminal (exited or faulted). */
  public void run(long limit) {
    if (status != VmState.RUNNING || step >= limit) {
      return;
    }
    final int[] x = this.x;
    final Memory mem = this.mem;
    int pc = this.pc;
    long step = this.step;
    int codePage = -1;
    int[] dec = ILLEGAL_PAGE;
    try {
      while (step < limit) {
        if ((pc >>> 12) != codePage) {
          // a misaligned pc is class 2 even outside the window (§6 checks it first)
          if ((pc & 3) != 0) {
            throw fault(pc, step, FaultClass.MISALIGNED_PC, "instruction address misaligned");
          }
          if (!inWindow(pc)) {
            throw fault(
                pc,
                step,
                FaultClass.OUT_OF_RANGE,
                String.format(
                    "instruction fetch out of range (RAM is 0x%08x..0x%08x)",
                    Memory.RAM_BASE, ramEnd - 1));
          }
          codePage = pc >>> 12;
          dec = decodedPage(codePage);
        }
        int slot = pc & 0xffe; // pc is even: JALR clears bit 0 and all offsets are even
        int d = dec[slot];
        int imm = dec[slot + 1];
        int rd = (d >>> 8) & 31;
        int rs1 = (d >>> 13) & 31;
        int rs2 = (d >>> 18) & 31;
        switch (d & 0xff) {
          case LUI -> {
            x[rd] = imm;
            pc += 4;
          }
          case AUIPC -> {
            x[rd] = pc + imm;
            pc += 4;
          }
          case JAL -> {
            x[rd] = pc + 4;
            pc += imm;
          }
          case JALR -> {
            int t = (x[rs1] + imm) & ~1;
            x[rd] = pc + 4;
            pc = t;
          }
          case BEQ -> pc += x[rs1] == x[rs2] ? imm : 4;
          case BNE -> pc += x[rs1] != x[rs2] ? imm : 4;
          case BLT -> pc += x[rs1] < x[rs2] ? imm : 4;
          case BGE -> pc += x[rs1] >= x[rs2] ? imm : 4;
          case BLTU -> pc += Integer.compareUnsigned(x[rs1], x[rs2]) < 0 ? imm : 4;
          case BGEU -> pc += Integer.compareUnsigned(x[rs1], x[rs2]) >= 0 ? imm : 4;
          case LB -> {
            int a = x[rs1] + imm;
            if (!inWindow(a)) checkRange(a, 1, pc, step, "load");
            x[rd] = (byte) mem.loadByte(a);
            pc += 4;
          }
          case LBU -> {
            int a = x[rs1] + imm;
            if (!inWindow(a)) checkRange(a, 1, pc, step, "load");
            x[rd] = mem.loadByte(a);
            pc += 4;
          }
          case LH -> {
            int a = x[rs1] + imm;
            checkRange(a, 2, pc, step, "load");
            x[rd] = (short) mem.load(a, 2);
            pc += 4;
          }
          case LHU -> {
            int a = x[rs1] + imm;
            checkRange(a, 2, pc, step, "load");
            x[rd] = mem.load(a, 2);
            pc += 4;
          }
          case LW -> {
            int a = x[rs1] + imm;
            if ((a & 3) == 0 && inWindow(a)) {
              x[rd] =
                  mem.loadWordAligned(
                      a); // ramEnd is page-aligned, so the whole word is in the window
            } else {
              checkRange(a, 4, pc, step, "load");
              x[rd] = mem.load(a, 4);
            }
            pc += 4;
          }
          case SB -> {
            int a = x[rs1] + imm;
            if (!inWindow(a)) {
              checkRange(a, 1, pc, step, "store");
            }
            mem.storeByte(a, x[rs2]);
            pc += 4;
            if (mem.codeInvalidated) {
              mem.codeInvalidated = false;
              codePage = -1;
            }
          }
          case SH -> {
            int a = x[rs1] + imm;
            checkRange(a, 2, pc, step, "store");
            mem.store(a, 2, x[rs2]);
            pc += 4;
            if (mem.codeInvalidated) {
              mem.codeInvalidated = false;
              codePage = -1;
            }
          }
          case SW -> {
            int a = x[rs1] + imm;
            if ((a & 3) == 0 && inWindow(a)) {
              mem.storeWordAligned(
                  a, x[rs2]); // ramEnd is page-aligned, so the whole word is in the window
            } else {
              checkRange(a, 4, pc, step, "store");
              mem.store(a, 4, x[rs2]);
            }
            pc += 4;
            if (mem.codeInvalidated) {
              mem.codeInvalidated = false;
              codePage = -1;
            }
          }
          case ADDI -> {
            x[rd] = x[rs1] + imm;
            pc += 4;
          }
          case SLTI -> {
            x[rd] = x[rs1] < imm ? 1 : 0;
            pc += 4;
          }
          case SLTIU -> {
            x[rd] = Integer.compareUnsigned(x[rs1], imm) < 0 ? 1 : 0;
            pc += 4;
          }
          case XORI -> {
            x[rd] = x[rs1] ^ imm;
            pc += 4;
          }
          case ORI -> {
            x[rd] = x[rs1] | imm;
            pc += 4;
          }
          case ANDI -> {
            x[rd] = x[rs1] & imm;
            pc += 4;
          }
          case SLLI -> {
            x[rd] = x[rs1] << imm;
            pc += 4;
          }
          case SRLI -> {
            x[rd] = x[rs1] >>> imm;
            pc += 4;
          }
          case SRAI -> {
            x[rd] = x[rs1] >> imm;
            pc += 4;
          }
          case ADD -> {
            x[rd] = x[rs1] + x[rs2];
            pc += 4;
          }
          case SUB -> {
            x[rd] = x[rs1] - x[rs2];
            pc += 4;
          }
          case SLL -> {
            x[rd] = x[rs1] << x[rs2];
            pc += 4;
          } // Java masks the shift to 5 bits, as RV32 does
          case SLT -> {
            x[rd] = x[rs1] < x[rs2] ? 1 : 0;
            pc += 4;
          }
          case SLTU -> {
            x[rd] = Integer.compareUnsigned(x[rs1], x[rs2]) < 0 ? 1 : 0;
            pc += 4;
          }
          case XOR -> {
            x[rd] = x[rs1] ^ x[rs2];
            pc += 4;
          }
          case SRL -> {
            x[rd] = x[rs1] >>> x[rs2];
            pc += 4;
          }
          case SRA -> {
            x[rd] = x[rs1] >> x[rs2];
            pc += 4;
          }
          case OR -> {
            x[rd] = x[rs1] | x[rs2];
            pc += 4;
          }
          case AND -> {
            x[rd] = x[rs1] & x[rs2];
            pc += 4;
          }
          case MUL -> {
            x[rd] = x[rs1] * x[rs2];
            pc += 4;
          }
          case MULH -> {
            x[rd] = (int) (((long) x[rs1] * (long) x[rs2]) >> 32);
            pc += 4;
          }
          case MULHSU -> {
            x[rd] = (int) (((long) x[rs1] * Integer.toUnsignedLong(x[rs2])) >> 32);
            pc += 4;
          }
          case MULHU -> {
            x[rd] =
                (int) ((Integer.toUnsignedLong(x[rs1]) * Integer.toUnsignedLong(x[rs2])) >>> 32);
            pc += 4;
          }
          case DIV -> {
            int b = x[rs2];
            x[rd] = b == 0 ? -1 : x[rs1] / b;
            pc += 4;
          } // MIN/-1 = MIN in Java too
          case DIVU -> {
            int b = x[rs2];
            x[rd] = b == 0 ? -1 : Integer.divideUnsigned(x[rs1], b);
            pc += 4;
          }
          case REM -> {
            int b = x[rs2];
            x[rd] = b == 0 ? x[rs1] : x[rs1] % b;
            pc += 4;
          }
          case REMU -> {
            int b = x[rs2];
            x[rd] = b == 0 ? x[rs1] : Integer.remainderUnsigned(x[rs1], b);
            pc += 4;
          }
          case FENCE -> pc += 4;
          case ECALL -> {
            this.pc = pc;
            this.step = step;
            ecall();
            if (status != VmState.RUNNING) {
              step++;
              return;
            }
            pc += 4;
            if (mem.codeInvalidated) {
              mem.codeInvalidated = false;
              codePage = -1;
            }
          }
          case EBREAK -> throw fault(pc, step, FaultClass.ILLEGAL_INSTRUCTION, "ebreak");
          case MISALIGNED ->
              throw fault(pc, step, FaultClass.MISALIGNED_PC, "instruction address misaligned");
          default ->
              throw fault(
                  pc,
                  step,
                  FaultClass.ILLEGAL_INSTRUCTION,
                  String.format("illegal instruction 0x%08x", mem.loadWordAligned(pc)));
        }
        x[0] = 0;
        step++;
      }
    } catch (GuestFault f) {
      // the faulted terminal state: only step, status and exitCode change (pc is the faulting one)
      assert f.step() == step && f.pc() == pc;
      status = VmState.FAULTED;
      exitCode = f.faultClass().code();
      fault = f;
      step++;
    } finally {
      x[0] = 0;
      this.pc = pc;
      this.step = step;
    }
  }

  /**
   * Executes the ecall at this.pc (spec §4); on return the caller advances pc unless the state is
   * terminal.
   */
  private void ecall() {
    int a0 = x[10];
    int buf = x[11];
    int len = x[12];
    int num = x[17];
    switch (num) {
      case GuestIo.SYS_EXIT -> {
        status = VmState.EXITED;
        exitCode = a0;
      }
      case GuestIo.SYS_READ -> {
        if (a0 != GuestIo.FD_INPUT) {
          throw fault(
              pc,
              step,
              FaultClass.UNKNOWN_ECALL,
              "unknown ecall a7=63 (read) from fd " + a0 + " (only fd 0, the job input)");
        }
        int n = io.inputAvailable(chunkLength(buf, len));
        if (n > 0) {
          checkRange(buf, n, pc, step, "input buffer");
          for (int i = 0; i < n; i++) {
            mem.storeByte(buf + i, io.inputByte(io.inputCursor + i));
          }
          io.inputCursor += n;
        }
        x[10] = n;
      }
      case GuestIo.SYS_WRITE -> {
        if (a0 == GuestIo.FD_OUTPUT) {
          int n = io.outputRoom(chunkLength(buf, len));
          if (n > 0) {
            checkRange(buf, n, pc, step, "output buffer");
            if (io.outputWouldExceed(n)) {
              throw GuestFault.outputLimit(
                  step, pc, Integer.toUnsignedLong(io.outputLimit()), io.outputLength());
            }
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
              bytes[i] = (byte) mem.loadByte(buf + i);
            }
            io.appendOutput(bytes);
          }
          x[10] = n;
        } else if (a0 == GuestIo.FD_LOG) {
          // the log is outside the state: a0 = len whatever the host does with the bytes
          int n = chunkLength(buf, len);
          if (n > 0 && Memory.inWindow(buf, n, ramEnd)) {
            byte[] text = new byte[n];
            for (int i = 0; i < n; i++) {
              text[i] = (byte) mem.loadByte(buf + i);
            }
            io.log(text);
          }
          x[10] = len;
        } else {
          throw fault(
              pc,
              step,
              FaultClass.UNKNOWN_ECALL,
              "unknown ecall a7=64 (write) to fd " + a0 + " (only fd 1 output and fd 2 log)");
        }
      }
      default -> throw fault(pc, step, FaultClass.UNKNOWN_ECALL, "unknown ecall a7=" + num);
    }
  }

  /**
   * Bytes a read/write ecall may move at most: len (as unsigned), never past buf's 32-byte leaf.
   */
  public static int chunkLength(int buf, int len) {
    int room = GuestIo.CHUNK - (buf & (GuestIo.CHUNK - 1));
    return Integer.compareUnsigned(len, room) < 0 ? len : room;
  }

  /**
   * Bytes read_input moves now for (buf, len): also never past the input chunk or the input's end.
   */
  public int readLength(int buf, int len) {
    return io.inputAvailable(chunkLength(buf, len));
  }

  /** Bytes write_output moves now for (buf, len): also never past the pending output chunk. */
  public int writeLength(int buf, int len) {
    return io.outputRoom(chunkLength(buf, len));
  }
}
