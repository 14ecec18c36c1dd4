package dev.trustdial.vm.cpu;

/**
 * Decodes RV32IM instruction words into (op | rd<<8 | rs1<<13 | rs2<<18, imm) pairs so the
 * interpreter never re-extracts bit fields. Anything outside RV32IM decodes to {@link #ILLEGAL} and
 * faults only if executed (code pages may hold data).
 */
public final class Decoder {
  private Decoder() {}

  public static final int ILLEGAL = 0;
  public static final int LUI = 1, AUIPC = 2, JAL = 3, JALR = 4;
  public static final int BEQ = 5, BNE = 6, BLT = 7, BGE = 8, BLTU = 9, BGEU = 10;
  public static final int LB = 11, LH = 12, LW = 13, LBU = 14, LHU = 15;
  public static final int SB = 16, SH = 17, SW = 18;
  public static final int ADDI = 19, SLTI = 20, SLTIU = 21, XORI = 22, ORI = 23, ANDI = 24;
  public static final int SLLI = 25, SRLI = 26, SRAI = 27;
  public static final int ADD = 28, SUB = 29, SLL = 30, SLT = 31, SLTU = 32, XOR = 33;
  public static final int SRL = 34, SRA = 35, OR = 36, AND = 37;
  public static final int FENCE = 38, ECALL = 39, EBREAK = 40;
  public static final int MUL = 41, MULH = 42, MULHSU = 43, MULHU = 44;
  public static final int DIV = 45, DIVU = 46, REM = 47, REMU = 48;

  /** Pseudo-op in the odd-halfword slots of a decoded page: pc % 4 == 2 cannot be fetched. */
  public static final int MISALIGNED = 49;

  /**
   * Decodes a page of 1024 words into 4096 ints indexed by (pc & 0xffe): (op word, imm) for each
   * instruction, then a MISALIGNED pair for the halfword after it, so the interpreter needs no
   * alignment test on the hot path.
   */
  public static int[] decodePage(int[] words) {
    int[] out = new int[4096];
    for (int i = 0; i < 1024; i++) {
      decode(words[i], out, 2 * i);
      out[4 * i + 2] = MISALIGNED;
    }
    return out;
  }

  /** Fills out[2*slot], out[2*slot+1] with the decoded form of word. */
  public static void decode(int w, int[] out, int slot) {
    int rd = (w >>> 7) & 31;
    int f3 = (w >>> 12) & 7;
    int rs1 = (w >>> 15) & 31;
    int rs2 = (w >>> 20) & 31;
    int f7 = w >>> 25;
    int op = ILLEGAL;
    int imm = 0;
    switch (w & 0x7f) {
      case 0x37 -> {
        op = LUI;
        imm = w & 0xfffff000;
      }
      case 0x17 -> {
        op = AUIPC;
        imm = w & 0xfffff000;
      }
      case 0x6f -> {
        op = JAL;
        imm = jImm(w);
      }
      case 0x67 -> {
        if (f3 == 0) {
          op = JALR;
          imm = w >> 20;
        }
      }
      case 0x63 -> {
        imm = bImm(w);
        op =
            switch (f3) {
              case 0 -> BEQ;
              case 1 -> BNE;
              case 4 -> BLT;
              case 5 -> BGE;
              case 6 -> BLTU;
              case 7 -> BGEU;
              default -> ILLEGAL;
            };
      }
      case 0x03 -> {
        imm = w >> 20;
        op =
            switch (f3) {
              case 0 -> LB;
              case 1 -> LH;
              case 2 -> LW;
              case 4 -> LBU;
              case 5 -> LHU;
              default -> ILLEGAL;
            };
      }
      case 0x23 -> {
        imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
        op =
            switch (f3) {
              case 0 -> SB;
              case 1 -> SH;
              case 2 -> SW;
              default -> ILLEGAL;
            };
      }
      case 0x13 -> {
        imm = w >> 20;
        op =
            switch (f3) {
              case 0 -> ADDI;
              case 2 -> SLTI;
              case 3 -> SLTIU;
              case 4 -> XORI;
              case 6 -> ORI;
              case 7 -> ANDI;
              case 1 -> f7 == 0 ? SLLI : ILLEGAL;
              case 5 -> f7 == 0 ? SRLI : f7 == 0x20 ? SRAI : ILLEGAL;
              default -> ILLEGAL;
            };
        if (op == SLLI || op == SRLI || op == SRAI) {
          imm = rs2;
        }
      }
      case 0x33 -> {
        if (f7 == 0) {
          op =
              switch (f3) {
                case 0 -> ADD;
                case 1 -> SLL;
                case 2 -> SLT;
                case 3 -> SLTU;
                case 4 -> XOR;
                case 5 -> SRL;
                case 6 -> OR;
                default -> AND;
              };
        } else if (f7 == 0x20) {
          op = f3 == 0 ? SUB : f3 == 5 ? SRA : ILLEGAL;
        } else if (f7 == 1) {
          op =
              switch (f3) {
                case 0 -> MUL;
                case 1 -> MULH;
                case 2 -> MULHSU;
                case 3 -> MULHU;
                case 4 -> DIV;
                case 5 -> DIVU;
                case 6 -> REM;
                default -> REMU;
              };
        }
      }
      case 0x0f -> {
        // FENCE and FENCE.I: no effect on a single hart without caches
        if (f3 == 0 || f3 == 1) {
          op = FENCE;
        }
      }
      case 0x73 -> {
        if (w == 0x00000073) {
          op = ECALL;
        } else if (w == 0x00100073) {
          op = EBREAK;
        }
      }
      default -> op = ILLEGAL;
    }
    out[2 * slot] = op | rd << 8 | rs1 << 13 | rs2 << 18;
    out[2 * slot + 1] = imm;
  }

  static int jImm(int w) {
    return ((w >> 31) << 20)
        | (w & 0xff000)
        | (((w >>> 20) & 1) << 11)
        | (((w >>> 21) & 0x3ff) << 1);
  }

  static int bImm(int w) {
    return ((w >> 31) << 12)
        | (((w >>> 7) & 1) << 11)
        | (((w >>> 25) & 0x3f) << 5)
        | (((w >>> 8) & 0xf) << 1);
  }
}
