package dev.trustdial.vm.witness;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.state.VmState;
import java.util.Arrays;
import java.util.List;

/**
 * Checks one step witness against docs/spec/vm.md alone. Deliberately shares no code with the
 * interpreter (own decoding, own ALU, core's MerkleTree for proofs): it is the Java model of the
 * Solidity step function, written the way that function will be.
 */
public final class WitnessChecker {
  private static final int RAM_BASE = 0x0001_0000;
  private static final int DEPTH = 27;

  private final Witness w;
  private final byte[] input;
  private Bytes32 root;
  private int next;

  private WitnessChecker(Witness w, byte[] input) {
    this.w = w;
    this.input = input;
  }

  /** Returns the verified post-state hash; throws WitnessRejected otherwise. */
  public static Bytes32 check(Witness w, byte[] input) {
    return new WitnessChecker(w, input).run();
  }

  private static WitnessRejected reject(String why) {
    return new WitnessRejected(why);
  }

  private byte[] leaf(int expectedIndex) {
    if (next >= w.accesses().size()) {
      throw reject("missing proof for leaf " + Integer.toHexString(expectedIndex));
    }
    MemoryAccess a = w.accesses().get(next++);
    if (a.leafIndex() != expectedIndex) {
      throw reject("access " + (next - 1) + " proves leaf 0x" + Integer.toHexString(a.leafIndex()) + ", step needs 0x" + Integer.toHexString(expectedIndex));
    }
    List<Bytes32> proof = a.proof();
    if (proof.size() != DEPTH) {
      throw reject("proof has " + proof.size() + " siblings, not " + DEPTH);
    }
    if (!MerkleTree.rootFromProof(a.leaf(), expectedIndex, proof).equals(root)) {
      throw reject("proof of leaf 0x" + Integer.toHexString(expectedIndex) + " does not match the memory root");
    }
    return a.leaf().bytes();
  }

  private void writeLeaf(int index, byte[] value) {
    MemoryAccess a = w.accesses().get(next - 1);
    assert a.leafIndex() == index;
    root = MerkleTree.rootFromProof(new Bytes32(value), index, a.proof());
  }

  private static boolean inRam(int addr) {
    return addr >= RAM_BASE;
  }

  private Bytes32 run() {
    VmState pre;
    try {
      pre = VmState.decode(w.preState());
    } catch (InvalidInputException e) {
      throw reject(e.getMessage());
    }
    if (pre.exited()) {
      throw reject("the pre-state has exited; it has no next step");
    }
    if (pre.step() != w.step()) {
      throw reject("witness says step " + w.step() + ", pre-state is at " + pre.step());
    }
    root = pre.memRoot();
    int pc = pre.pc();
    if ((pc & 3) != 0 || !inRam(pc)) {
      throw reject("pc 0x" + Integer.toHexString(pc) + " cannot be fetched (the step faults)");
    }
    byte[] il = leaf(pc >>> 5);
    int ins = le32(il, pc & 31);
    if (ins != w.instruction()) {
      throw reject("instruction word does not match memory");
    }
    int[] r = pre.regs();
    int nextPc = pc + 4;
    int cursor = pre.inputCursor();
    Bytes32 outAcc = pre.outputAcc();
    int outLen = pre.outputLength();
    boolean exited = false;
    int exitCode = pre.exitCode();
    byte[] chunk = new byte[0];

    int opcode = ins & 0x7f;
    int rd = (ins >>> 7) & 31;
    int f3 = (ins >>> 12) & 7;
    int a = r[(ins >>> 15) & 31];
    int b = r[(ins >>> 20) & 31];
    int f7 = ins >>> 25;
    int immI = ins >> 20;
    Integer result = null; // value for rd, when the instruction writes one
    switch (opcode) {
      case 0x37 -> result = ins & 0xfffff000;
      case 0x17 -> result = pc + (ins & 0xfffff000);
      case 0x6f -> {
        int off = ((ins >> 31) << 20) | (ins & 0xff000) | (((ins >>> 20) & 1) << 11) | (((ins >>> 21) & 0x3ff) << 1);
        result = pc + 4;
        nextPc = pc + off;
      }
      case 0x67 -> {
        if (f3 != 0) {
          throw illegal(ins);
        }
        result = pc + 4;
        nextPc = (a + immI) & ~1;
      }
      case 0x63 -> {
        int off = ((ins >> 31) << 12) | (((ins >>> 7) & 1) << 11) | (((ins >>> 25) & 0x3f) << 5) | (((ins >>> 8) & 0xf) << 1);
        boolean taken = switch (f3) {
          case 0 -> a == b;
          case 1 -> a != b;
          case 4 -> a < b;
          case 5 -> a >= b;
          case 6 -> Long.compare(a & 0xffffffffL, b & 0xffffffffL) < 0;
          case 7 -> Long.compare(a & 0xffffffffL, b & 0xffffffffL) >= 0;
          default -> throw illegal(ins);
        };
        if (taken) {
          nextPc = pc + off;
        }
      }
      case 0x03 -> {
        int size = switch (f3) {
          case 0, 4 -> 1;
          case 1, 5 -> 2;
          case 2 -> 4;
          default -> throw illegal(ins);
        };
        int addr = a + immI;
        byte[] bytes = readBytes(addr, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
          v = (v << 8) | (bytes[i] & 0xff);
        }
        result = switch (f3) {
          case 0 -> (int) (byte) v;
          case 1 -> (int) (short) v;
          default -> (int) v;
        };
      }
      case 0x23 -> {
        int size = switch (f3) {
          case 0 -> 1;
          case 1 -> 2;
          case 2 -> 4;
          default -> throw illegal(ins);
        };
        int addr = a + (((ins >> 25) << 5) | ((ins >>> 7) & 31));
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
          bytes[i] = (byte) (b >>> (8 * i));
        }
        writeBytes(addr, bytes);
      }
      case 0x13 -> {
        int sh = immI & 31;
        result = switch (f3) {
          case 0 -> a + immI;
          case 2 -> a < immI ? 1 : 0;
          case 3 -> Long.compare(a & 0xffffffffL, immI & 0xffffffffL) < 0 ? 1 : 0;
          case 4 -> a ^ immI;
          case 6 -> a | immI;
          case 7 -> a & immI;
          case 1 -> {
            if (f7 != 0) throw illegal(ins);
            yield a << sh;
          }
          default -> {
            if (f7 == 0) yield a >>> sh;
            if (f7 == 0x20) yield a >> sh;
            throw illegal(ins);
          }
        };
      }
      case 0x33 -> result = alu(ins, f3, f7, a, b);
      case 0x0f -> {
        if (f3 > 1) {
          throw illegal(ins);
        }
      }
      case 0x73 -> {
        if (ins != 0x73) {
          throw reject("instruction 0x" + Integer.toHexString(ins) + " faults (no transition)");
        }
        int num = r[17];
        int a0 = r[10];
        int buf = r[11];
        int len = r[12];
        int room = 32 - (buf & 31);
        int n = Integer.compareUnsigned(len, room) < 0 ? len : room;
        if (num == 93) {
          exited = true;
          exitCode = a0;
          nextPc = pc;
        } else if (num == 63 && a0 == 0) {
          if (!Hashes.keccak256(input).equals(pre.inputDigest()) || input.length != pre.inputLength()) {
            throw reject("the input given to the checker is not the state's input preimage");
          }
          n = Math.min(n, pre.inputLength() - cursor);
          chunk = Arrays.copyOfRange(input, cursor, cursor + n);
          if (n > 0) {
            writeBytes(buf, chunk);
          }
          cursor += n;
          r[10] = n;
        } else if (num == 64 && a0 == 1) {
          if (n > 0) {
            byte[] out = readBytes(buf, n);
            outAcc = Hashes.keccak256(outAcc.bytes(), out);
            outLen += n;
          }
          r[10] = n;
        } else if (num == 64 && a0 == 2) {
          r[10] = len;
        } else {
          throw reject("ecall a7=" + num + " a0=" + a0 + " faults (no transition)");
        }
      }
      default -> throw illegal(ins);
    }
    if (!Arrays.equals(chunk, w.inputChunk())) {
      throw reject("input chunk does not match the input at the cursor");
    }
    if (next != w.accesses().size()) {
      throw reject("witness has " + (w.accesses().size() - next) + " accesses the step does not make");
    }
    if (result != null && rd != 0) {
      r[rd] = result;
    }
    VmState post = new VmState(exited ? pc : nextPc, r, root, pre.inputDigest(), pre.inputLength(), cursor, outAcc, outLen,
        pre.step() + 1, exited, exitCode);
    Bytes32 h = post.hash();
    if (!h.equals(w.postStateHash())) {
      throw reject("post-state hash " + h + " differs from the claimed " + w.postStateHash());
    }
    return h;
  }

  private static int alu(int ins, int f3, int f7, int a, int b) {
    long ua = a & 0xffffffffL;
    long ub = b & 0xffffffffL;
    if (f7 == 1) {
      return switch (f3) {
        case 0 -> a * b;
        case 1 -> (int) (((long) a * (long) b) >> 32);
        case 2 -> (int) (((long) a * ub) >> 32);
        case 3 -> (int) ((ua * ub) >>> 32);
        case 4 -> b == 0 ? -1 : (a == Integer.MIN_VALUE && b == -1) ? a : a / b;
        case 5 -> b == 0 ? -1 : (int) (ua / ub);
        case 6 -> b == 0 ? a : (a == Integer.MIN_VALUE && b == -1) ? 0 : a % b;
        default -> b == 0 ? a : (int) (ua % ub);
      };
    }
    if (f7 == 0) {
      return switch (f3) {
        case 0 -> a + b;
        case 1 -> a << (b & 31);
        case 2 -> a < b ? 1 : 0;
        case 3 -> ua < ub ? 1 : 0;
        case 4 -> a ^ b;
        case 5 -> a >>> (b & 31);
        case 6 -> a | b;
        default -> a & b;
      };
    }
    if (f7 == 0x20 && f3 == 0) {
      return a - b;
    }
    if (f7 == 0x20 && f3 == 5) {
      return a >> (b & 31);
    }
    throw illegal(ins);
  }

  private static WitnessRejected illegal(int ins) {
    return reject(String.format("illegal instruction 0x%08x faults (no transition)", ins));
  }

  private void checkRange(int addr, int size) {
    long end = (addr & 0xffffffffL) + size - 1;
    if (!inRam(addr) || end >= 0x8000_0000L) {
      throw reject(String.format("access at 0x%08x is outside RAM (the step faults)", addr));
    }
  }

  /** Reads size bytes at addr from one or two proven leaves. */
  private byte[] readBytes(int addr, int size) {
    checkRange(addr, size);
    byte[] out = new byte[size];
    int first = addr >>> 5;
    int last = (addr + size - 1) >>> 5;
    byte[] l0 = leaf(first);
    byte[] l1 = last != first ? leaf(last) : l0;
    for (int i = 0; i < size; i++) {
      int ad = addr + i;
      out[i] = ((ad >>> 5) == first ? l0 : l1)[ad & 31];
    }
    return out;
  }

  /** Writes bytes at addr into one or two leaves, updating the root leaf by leaf. */
  private void writeBytes(int addr, byte[] bytes) {
    checkRange(addr, bytes.length);
    int first = addr >>> 5;
    int last = (addr + bytes.length - 1) >>> 5;
    for (int leafIdx = first; ; leafIdx++) {
      byte[] l = leaf(leafIdx);
      for (int i = 0; i < bytes.length; i++) {
        int ad = addr + i;
        if ((ad >>> 5) == leafIdx) {
          l[ad & 31] = bytes[i];
        }
      }
      writeLeaf(leafIdx, l);
      if (leafIdx == last) {
        break;
      }
    }
  }

  private static int le32(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
  }
}
