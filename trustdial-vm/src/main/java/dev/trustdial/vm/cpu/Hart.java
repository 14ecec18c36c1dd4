package dev.trustdial.vm.cpu;

import static dev.trustdial.vm.cpu.Decoder.*;

import dev.trustdial.vm.GuestFault;
import dev.trustdial.vm.memory.Memory;

/**
 * The RV32IM interpreter: one hart, decoded instructions cached per code page, no allocation per
 * step. Every instruction is one step. A fault leaves the architectural state at the state before
 * the faulting instruction (docs/spec/vm.md "Faults"). The public fields are the architectural
 * state; only Machine and WitnessBuilder in this module touch them, between runs.
 */
public final class Hart {
  public final int[] x = new int[32];
  public int pc;
  public long step;
  public boolean exited;
  public int exitCode;
  public final Memory mem;
  public final GuestIo io;

  private static final int[] ILLEGAL_PAGE = Decoder.decodePage(new int[1024]);

  public Hart(Memory mem, GuestIo io) {
    this.mem = mem;
    this.io = io;
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

  private GuestFault fault(int atPc, long atStep, String reason) {
    return new GuestFault(atStep, atPc, reason);
  }

  private void checkRange(int addr, int size, int atPc, long atStep, String what) {
    if (!Memory.inRam(addr) || !Memory.inRam(addr + size - 1) || addr + size - 1 < addr) {
      throw fault(atPc, atStep, String.format("out-of-range %s of %d bytes at 0x%08x (RAM is 0x%08x..0x%08x)",
          what, size, addr, Memory.RAM_BASE, Memory.RAM_END - 1));
    }
  }

  private void checkStore(int addr, int size, int atPc, long atStep) {
    checkRange(addr, size, atPc, atStep, "store");
    if (mem.wouldExceedLimit(addr, size)) {
      throw fault(atPc, atStep, "guest memory limit of " + mem.pageCount() + " pages reached");
    }
  }

  /** Runs until step == limit or the guest exits. */
  public void run(long limit) {
    if (exited || step >= limit) {
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
          if (!Memory.inRam(pc)) {
            throw fault(pc, step, "instruction fetch out of range");
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
          case LUI -> { x[rd] = imm; pc += 4; }
          case AUIPC -> { x[rd] = pc + imm; pc += 4; }
          case JAL -> { x[rd] = pc + 4; pc += imm; }
          case JALR -> { int t = (x[rs1] + imm) & ~1; x[rd] = pc + 4; pc = t; }
          case BEQ -> pc += x[rs1] == x[rs2] ? imm : 4;
          case BNE -> pc += x[rs1] != x[rs2] ? imm : 4;
          case BLT -> pc += x[rs1] < x[rs2] ? imm : 4;
          case BGE -> pc += x[rs1] >= x[rs2] ? imm : 4;
          case BLTU -> pc += Integer.compareUnsigned(x[rs1], x[rs2]) < 0 ? imm : 4;
          case BGEU -> pc += Integer.compareUnsigned(x[rs1], x[rs2]) >= 0 ? imm : 4;
          case LB -> {
            int a = x[rs1] + imm;
            if (!Memory.inRam(a)) checkRange(a, 1, pc, step, "load");
            x[rd] = (byte) mem.loadByte(a);
            pc += 4;
          }
          case LBU -> {
            int a = x[rs1] + imm;
            if (!Memory.inRam(a)) checkRange(a, 1, pc, step, "load");
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
            if ((a & 3) == 0 && Memory.inRam(a)) {
              x[rd] = mem.loadWordAligned(a);
            } else {
              checkRange(a, 4, pc, step, "load");
              x[rd] = mem.load(a, 4);
            }
            pc += 4;
          }
          case SB -> {
            int a = x[rs1] + imm;
            if (!Memory.inRam(a) || mem.nearLimit()) {
              checkStore(a, 1, pc, step);
            }
            mem.storeByte(a, x[rs2]);
            pc += 4;
            if (mem.codeInvalidated) { mem.codeInvalidated = false; codePage = -1; }
          }
          case SH -> {
            int a = x[rs1] + imm;
            checkStore(a, 2, pc, step);
            mem.store(a, 2, x[rs2]);
            pc += 4;
            if (mem.codeInvalidated) { mem.codeInvalidated = false; codePage = -1; }
          }
          case SW -> {
            int a = x[rs1] + imm;
            if ((a & 3) == 0 && Memory.inRam(a) && !mem.nearLimit()) {
              mem.storeWordAligned(a, x[rs2]); // RAM_END is word-aligned, so the whole word is in RAM
            } else {
              checkStore(a, 4, pc, step);
              mem.store(a, 4, x[rs2]);
            }
            pc += 4;
            if (mem.codeInvalidated) { mem.codeInvalidated = false; codePage = -1; }
          }
          case ADDI -> { x[rd] = x[rs1] + imm; pc += 4; }
          case SLTI -> { x[rd] = x[rs1] < imm ? 1 : 0; pc += 4; }
          case SLTIU -> { x[rd] = Integer.compareUnsigned(x[rs1], imm) < 0 ? 1 : 0; pc += 4; }
          case XORI -> { x[rd] = x[rs1] ^ imm; pc += 4; }
          case ORI -> { x[rd] = x[rs1] | imm; pc += 4; }
          case ANDI -> { x[rd] = x[rs1] & imm; pc += 4; }
          case SLLI -> { x[rd] = x[rs1] << imm; pc += 4; }
          case SRLI -> { x[rd] = x[rs1] >>> imm; pc += 4; }
          case SRAI -> { x[rd] = x[rs1] >> imm; pc += 4; }
          case ADD -> { x[rd] = x[rs1] + x[rs2]; pc += 4; }
          case SUB -> { x[rd] = x[rs1] - x[rs2]; pc += 4; }
          case SLL -> { x[rd] = x[rs1] << x[rs2]; pc += 4; } // Java masks the shift to 5 bits, as RV32 does
          case SLT -> { x[rd] = x[rs1] < x[rs2] ? 1 : 0; pc += 4; }
          case SLTU -> { x[rd] = Integer.compareUnsigned(x[rs1], x[rs2]) < 0 ? 1 : 0; pc += 4; }
          case XOR -> { x[rd] = x[rs1] ^ x[rs2]; pc += 4; }
          case SRL -> { x[rd] = x[rs1] >>> x[rs2]; pc += 4; }
          case SRA -> { x[rd] = x[rs1] >> x[rs2]; pc += 4; }
          case OR -> { x[rd] = x[rs1] | x[rs2]; pc += 4; }
          case AND -> { x[rd] = x[rs1] & x[rs2]; pc += 4; }
          case MUL -> { x[rd] = x[rs1] * x[rs2]; pc += 4; }
          case MULH -> { x[rd] = (int) (((long) x[rs1] * (long) x[rs2]) >> 32); pc += 4; }
          case MULHSU -> { x[rd] = (int) (((long) x[rs1] * Integer.toUnsignedLong(x[rs2])) >> 32); pc += 4; }
          case MULHU -> { x[rd] = (int) ((Integer.toUnsignedLong(x[rs1]) * Integer.toUnsignedLong(x[rs2])) >>> 32); pc += 4; }
          case DIV -> { int b = x[rs2]; x[rd] = b == 0 ? -1 : x[rs1] / b; pc += 4; } // MIN/-1 = MIN in Java too
          case DIVU -> { int b = x[rs2]; x[rd] = b == 0 ? -1 : Integer.divideUnsigned(x[rs1], b); pc += 4; }
          case REM -> { int b = x[rs2]; x[rd] = b == 0 ? x[rs1] : x[rs1] % b; pc += 4; }
          case REMU -> { int b = x[rs2]; x[rd] = b == 0 ? x[rs1] : Integer.remainderUnsigned(x[rs1], b); pc += 4; }
          case FENCE -> pc += 4;
          case ECALL -> {
            this.pc = pc;
            this.step = step;
            ecall();
            if (exited) {
              step++;
              return;
            }
            pc += 4;
            if (mem.codeInvalidated) { mem.codeInvalidated = false; codePage = -1; }
          }
          case EBREAK -> throw fault(pc, step, "ebreak");
          case MISALIGNED -> throw fault(pc, step, "instruction address misaligned");
          default -> throw fault(pc, step, String.format("illegal instruction 0x%08x", mem.loadWordAligned(pc)));
        }
        x[0] = 0;
        step++;
      }
    } finally {
      x[0] = 0;
      this.pc = pc;
      this.step = step;
    }
  }

  /** Executes the ecall at this.pc (spec "Ecall ABI"); on return the caller advances pc. */
  private void ecall() {
    int a0 = x[10];
    int buf = x[11];
    int len = x[12];
    int num = x[17];
    switch (num) {
      case GuestIo.SYS_EXIT -> {
        exited = true;
        exitCode = a0;
      }
      case GuestIo.SYS_READ -> {
        if (a0 != GuestIo.FD_INPUT) {
          throw fault(pc, step, "read from fd " + a0 + " (only fd 0, the job input, is readable)");
        }
        int n = chunkLength(buf, len);
        n = Math.min(n, io.inputLength() - io.inputCursor);
        if (n > 0) {
          checkStore(buf, n, pc, step);
          for (int i = 0; i < n; i++) {
            mem.storeByte(buf + i, io.inputByte(io.inputCursor + i));
          }
          io.inputCursor += n;
        }
        x[10] = n;
      }
      case GuestIo.SYS_WRITE -> {
        if (a0 == GuestIo.FD_OUTPUT) {
          int n = chunkLength(buf, len);
          if (n > 0) {
            checkRange(buf, n, pc, step, "output buffer");
            if (io.outputWouldExceed(n)) {
              throw GuestFault.outputLimit(step, pc, io.maxOutput(), io.outputLength());
            }
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
              chunk[i] = (byte) mem.loadByte(buf + i);
            }
            io.appendOutput(chunk);
          }
          x[10] = n;
        } else if (a0 == GuestIo.FD_LOG) {
          // the log is outside the state: a0 = len whatever the host does with the bytes
          if (len > 0 && Memory.inRam(buf) && Memory.inRam(buf + Math.min(len, 4096) - 1)) {
            byte[] text = new byte[Math.min(len, 4096)];
            for (int i = 0; i < text.length; i++) {
              text[i] = (byte) mem.loadByte(buf + i);
            }
            io.log(text);
          }
          x[10] = len;
        } else {
          throw fault(pc, step, "write to fd " + a0 + " (only fd 1 output and fd 2 log)");
        }
      }
      default -> throw fault(pc, step, "unknown ecall a7=" + num);
    }
  }

  /** Bytes a read/write ecall moves: at most len (as unsigned) and never past buf's leaf. */
  public static int chunkLength(int buf, int len) {
    int room = GuestIo.CHUNK - (buf & (GuestIo.CHUNK - 1));
    return Integer.compareUnsigned(len, room) < 0 ? len : room;
  }
}
