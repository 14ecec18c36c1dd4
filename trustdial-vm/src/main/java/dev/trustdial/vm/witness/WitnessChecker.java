package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.PointEvaluation;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The step function of docs/spec/vm.md v2 as the onchain step computes it: {@code step(preState,
 * proof) -> (postStateHash, status)}, reading only the 296-byte pre-state and the compressed proof
 * bytes of §9.2. Deliberately shares no code with the interpreter (own state decoding and validity
 * rules, own decoding, own ALU, own proof reader; core's keccak and MerkleTree hash pairs): it is
 * the Java model of the Solidity step function, written the way that function is. Anything it
 * cannot answer (an invalid pre-state, bad proof bytes, a proof that does not reach its root) is a
 * {@link WitnessRejected}: the Solidity step reverts there.
 */
public final class WitnessChecker {
  /** The step's answer: the post-state's hash and its status (0 running, 1 exited, 2 faulted). */
  public record Result(Bytes32 postStateHash, int status) {}

  private static final int SIZE = 296;
  private static final int RAM_BASE = 0x0001_0000;
  private static final int DEPTH = 27;
  private static final int OFF_REGS = 4;
  private static final int OFF_MEM_ROOT = 132;
  private static final int OFF_INPUT_ROOT = 164;
  private static final int OFF_INPUT_LENGTH = 196;
  private static final int OFF_INPUT_CURSOR = 200;
  private static final int OFF_OUTPUT_ACC = 204;
  private static final int OFF_OUTPUT_BUF = 236;
  private static final int OFF_OUTPUT_LENGTH = 268;
  private static final int OFF_OUTPUT_LIMIT = 272;
  private static final int OFF_RAM_END = 276;
  private static final int OFF_STEP = 280;
  private static final int OFF_STATUS = 288;
  private static final int OFF_EXIT_CODE = 292;
  private static final Bytes32[] ZERO = new Bytes32[DEPTH + 1];
  private static final byte[] BLOB_DOMAIN =
      "TDVMBLOB".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  static {
    ZERO[0] = Bytes32.ZERO;
    for (int l = 1; l <= DEPTH; l++) {
      ZERO[l] = MerkleTree.hashPair(ZERO[l - 1], ZERO[l - 1]);
    }
  }

  private final byte[] pre;
  private final byte[] proof;
  private final PointEvaluation kzg;
  private int pos;
  private final int ramEnd;
  private Bytes32 memRoot;
  // the previous memory access's path: index, siblings, leaf value after its write (§9.2 sharing)
  private boolean first = true;
  private int pathIndex;
  private final Bytes32[] pathSiblings = new Bytes32[DEPTH];
  private Bytes32 pathLeaf;

  /** The step faults with this class: the terminal faulted state follows. */
  private static final class Fault extends RuntimeException {
    final int faultClass;

    Fault(int faultClass) {
      super(null, null, false, false);
      this.faultClass = faultClass;
    }
  }

  private WitnessChecker(byte[] pre, byte[] proof, PointEvaluation kzg) {
    this.pre = pre;
    this.proof = proof;
    this.kzg = kzg;
    this.ramEnd = u32(pre, OFF_RAM_END);
    this.memRoot = b32(pre, OFF_MEM_ROOT);
  }

  /** The step function on raw bytes; throws WitnessRejected where the onchain step reverts. */
  public static Result step(byte[] preState, byte[] proof) {
    return step(preState, proof, PointEvaluation.NONE);
  }

  /**
   * As {@link #step(byte[], byte[])}; {@code kzg} checks the point evaluations of a blob input
   * record (§9.2), as the precompile at 0x0a does for the onchain step.
   */
  public static Result step(byte[] preState, byte[] proof, PointEvaluation kzg) {
    byte[] pre = preState.clone();
    checkValid(pre);
    return new WitnessChecker(pre, proof.clone(), kzg).run();
  }

  /**
   * Checks a witness: its proof bytes give its post-state hash. Returns that hash and the status.
   */
  public static Result check(Witness w) {
    return check(w, PointEvaluation.NONE);
  }

  /** As {@link #check(Witness)}, with the point-evaluation check blob input records need. */
  public static Result check(Witness w, PointEvaluation kzg) {
    Result r = step(w.preState().toArray(), w.proof().toArray(), kzg);
    if (!r.postStateHash().equals(w.postStateHash())) {
      throw reject(
          "post-state hash "
              + r.postStateHash()
              + " differs from the claimed "
              + w.postStateHash());
    }
    return r;
  }

  private static WitnessRejected reject(String why) {
    return new WitnessRejected(why);
  }

  // ------------------------------------------------------------------ state (§5)

  private static void checkValid(byte[] s) {
    if (s.length != SIZE) {
      throw reject("pre-state is " + s.length + " bytes, not " + SIZE);
    }
    if (u32(s, OFF_REGS) != 0) {
      throw reject("invalid pre-state: x0 is not zero");
    }
    if (Integer.compareUnsigned(u32(s, OFF_INPUT_CURSOR), u32(s, OFF_INPUT_LENGTH)) > 0) {
      throw reject("invalid pre-state: inputCursor > inputLength");
    }
    int outLen = u32(s, OFF_OUTPUT_LENGTH);
    if (Integer.compareUnsigned(outLen, u32(s, OFF_OUTPUT_LIMIT)) > 0) {
      throw reject("invalid pre-state: outputLength > outputLimit");
    }
    for (int i = outLen & 31; i < 32; i++) {
      if (s[OFF_OUTPUT_BUF + i] != 0) {
        throw reject("invalid pre-state: outputBuf has bytes past outputLength mod 32");
      }
    }
    long end = u32(s, OFF_RAM_END) & 0xffff_ffffL;
    if ((end & 0xfff) != 0 || end <= RAM_BASE || end > 0x8000_0000L) {
      throw reject("invalid pre-state: ramEnd");
    }
    if (s[OFF_STEP] < 0) {
      throw reject("invalid pre-state: step >= 2^63");
    }
    int status = u32(s, OFF_STATUS);
    int code = u32(s, OFF_EXIT_CODE);
    if (Integer.compareUnsigned(status, 2) > 0) {
      throw reject("invalid pre-state: status " + Integer.toUnsignedString(status));
    }
    if ((status == 0 && code != 0) || (status == 2 && (code < 1 || code > 5))) {
      throw reject(
          "invalid pre-state: exitCode "
              + Integer.toUnsignedString(code)
              + " with status "
              + status);
    }
  }

  // ------------------------------------------------------------------ proof reader (§9.2)

  private byte[] take(int n) {
    if (proof.length - pos < n) {
      throw reject("proof ends early (at byte " + proof.length + ", needs " + (pos + n) + ")");
    }
    byte[] b = Arrays.copyOfRange(proof, pos, pos + n);
    pos += n;
    return b;
  }

  private void requireEnd() {
    if (pos != proof.length) {
      throw reject("proof has " + (proof.length - pos) + " bytes after its last record");
    }
  }

  /** Reads a record's mask and the k explicit siblings into sib[0..k). */
  private void readSiblings(int k, Bytes32[] sib) {
    int mask = u32(take(4), 0);
    if (k < 32 && (mask >>> k) != 0) {
      throw reject(String.format("proof mask 0x%08x has bits at levels >= %d", mask, k));
    }
    for (int l = 0; l < k; l++) {
      sib[l] = (mask & (1 << l)) != 0 ? ZERO[l] : new Bytes32(take(32));
    }
  }

  private static Bytes32 rootOf(Bytes32 leaf, int index, Bytes32[] sib) {
    Bytes32 h = leaf;
    for (int l = 0; l < DEPTH; l++) {
      h =
          ((index >>> l) & 1) == 0
              ? MerkleTree.hashPair(h, sib[l])
              : MerkleTree.hashPair(sib[l], h);
    }
    return h;
  }

  /**
   * Reads the next memory record for leaf {@code index}, checks it against the current root;
   * returns the leaf.
   */
  private byte[] readLeaf(int index) {
    Bytes32 leaf = new Bytes32(take(32));
    Bytes32[] sib = new Bytes32[DEPTH];
    int k = DEPTH;
    if (!first) {
      k = index == pathIndex ? 0 : 31 - Integer.numberOfLeadingZeros(index ^ pathIndex);
      Bytes32 node = pathLeaf;
      for (int l = 0; l < DEPTH; l++) {
        if (l >= k) {
          sib[l] = l == k && index != pathIndex ? node : pathSiblings[l];
        }
        node =
            ((pathIndex >>> l) & 1) == 0
                ? MerkleTree.hashPair(node, pathSiblings[l])
                : MerkleTree.hashPair(pathSiblings[l], node);
      }
    }
    readSiblings(k, sib);
    if (!rootOf(leaf, index, sib).equals(memRoot)) {
      throw reject(
          "proof of leaf 0x" + Integer.toHexString(index) + " does not reach the memory root");
    }
    first = false;
    pathIndex = index;
    System.arraycopy(sib, 0, pathSiblings, 0, DEPTH);
    pathLeaf = leaf;
    return leaf.bytes();
  }

  /** Gives the leaf just read its new value: the root and the shared path follow. */
  private void writeLeaf(byte[] value) {
    pathLeaf = new Bytes32(value);
    memRoot = rootOf(pathLeaf, pathIndex, pathSiblings);
  }

  /**
   * The input record of a read of n > 0 bytes at {@code cursor}: a chunk-tree record, or a blob
   * record (mask exactly 0x80000000, §9.2). Returns the 32-byte chunk {@code cursor / 32} with at
   * least the n bytes read in place.
   */
  private byte[] readInput(long cursor, int n) {
    if (proof.length - pos >= 36 && u32(proof, pos + 32) == BlobInput.RECORD_MASK) {
      return readBlobInput(cursor, n);
    }
    return readInputChunk((int) (cursor / 32));
  }

  private byte[] readBlobInput(long cursor, int n) {
    byte[] y0 = take(32);
    take(4);
    int k = take(1)[0] & 0xff;
    if (k < 1 || k > BlobInput.MAX_BLOBS) {
      throw reject("blob input record names " + k + " blobs, not 1.." + BlobInput.MAX_BLOBS);
    }
    ByteBuffer pre13 =
        ByteBuffer.allocate(13 + 32 * k)
            .put(BLOB_DOMAIN)
            .putInt(u32(pre, OFF_INPUT_LENGTH))
            .put((byte) k);
    Bytes32[] hashes = new Bytes32[k];
    for (int i = 0; i < k; i++) {
      hashes[i] = new Bytes32(take(32));
      pre13.put(hashes[i].bytes());
    }
    if (!Hashes.keccak256(pre13.array()).equals(b32(pre, OFF_INPUT_ROOT))) {
      throw reject("blob input record's versioned hashes do not give the input root");
    }
    int first = BlobInput.elementOf(cursor);
    int last = BlobInput.elementOf(cursor + n - 1);
    byte[] payload = new byte[(last - first + 1) * BlobInput.BYTES_PER_ELEMENT];
    for (int e = first; e <= last; e++) {
      byte[] y = e == first ? y0 : take(32);
      byte[] commitment = take(48);
      byte[] kzgProof = take(48);
      if (y[0] != 0) {
        throw reject("blob element " + e + " has a non-zero byte 0: not a DA sub-blob element");
      }
      int blob = e / BlobInput.ELEMENTS_PER_BLOB;
      if (blob >= k) {
        throw reject("blob element " + e + " is beyond the input's " + k + " blob(s)");
      }
      if (!kzg.verify(
          hashes[blob],
          BlobInput.evaluationPoint(e % BlobInput.ELEMENTS_PER_BLOB),
          new Bytes32(y),
          commitment,
          kzgProof)) {
        throw reject("point evaluation of blob element " + e + " fails");
      }
      System.arraycopy(
          y, 1, payload, (e - first) * BlobInput.BYTES_PER_ELEMENT, BlobInput.BYTES_PER_ELEMENT);
    }
    byte[] chunk = new byte[32];
    int from =
        (int) (BlobInput.PAYLOAD_OFFSET + cursor - (long) first * BlobInput.BYTES_PER_ELEMENT);
    System.arraycopy(payload, from, chunk, (int) (cursor % 32), n);
    return chunk;
  }

  private byte[] readInputChunk(int chunkIndex) {
    Bytes32 chunk = new Bytes32(take(32));
    Bytes32[] sib = new Bytes32[DEPTH];
    readSiblings(DEPTH, sib);
    if (!rootOf(chunk, chunkIndex, sib).equals(b32(pre, OFF_INPUT_ROOT))) {
      throw reject("proof of input chunk " + chunkIndex + " does not reach the input root");
    }
    return chunk.bytes();
  }

  // ------------------------------------------------------------------ the step (§6)

  private Result run() {
    int status = u32(pre, OFF_STATUS);
    if (status != 0) {
      requireEnd();
      return new Result(Hashes.keccak256(pre), status);
    }
    if (u64(pre, OFF_STEP) == Long.MAX_VALUE) {
      throw reject(
          "a running state at step 2^63 - 1 has no successor (its step would leave the valid range)");
    }
    try {
      return execute();
    } catch (Fault f) {
      requireEnd();
      byte[] post = pre.clone();
      putU64(post, OFF_STEP, u64(pre, OFF_STEP) + 1);
      putU32(post, OFF_STATUS, 2);
      putU32(post, OFF_EXIT_CODE, f.faultClass);
      return new Result(Hashes.keccak256(post), 2);
    }
  }

  private boolean inWindow(int addr, int size) {
    long off = (addr & 0xffff_ffffL) - RAM_BASE;
    return off >= 0 && off + size <= (ramEnd & 0xffff_ffffL) - RAM_BASE;
  }

  private Result execute() {
    int pc = u32(pre, 0);
    if ((pc & 3) != 0) {
      throw new Fault(2);
    }
    if (!inWindow(pc, 4)) {
      throw new Fault(3);
    }
    byte[] il = readLeaf(pc >>> 5);
    int ins = le32(il, pc & 31);
    int[] r = new int[32];
    for (int i = 0; i < 32; i++) {
      r[i] = u32(pre, OFF_REGS + 4 * i);
    }
    byte[] post = pre.clone();
    int nextPc = pc + 4;
    int status = 0;

    int opcode = ins & 0x7f;
    int rd = (ins >>> 7) & 31;
    int f3 = (ins >>> 12) & 7;
    int a = r[(ins >>> 15) & 31];
    int b = r[(ins >>> 20) & 31];
    int f7 = ins >>> 25;
    int immI = ins >> 20;
    boolean writesRd = true;
    int result = 0;
    switch (opcode) {
      case 0x37 -> result = ins & 0xfffff000;
      case 0x17 -> result = pc + (ins & 0xfffff000);
      case 0x6f -> {
        int off =
            ((ins >> 31) << 20)
                | (ins & 0xff000)
                | (((ins >>> 20) & 1) << 11)
                | (((ins >>> 21) & 0x3ff) << 1);
        result = pc + 4;
        nextPc = pc + off;
      }
      case 0x67 -> {
        if (f3 != 0) {
          throw new Fault(1);
        }
        result = pc + 4;
        nextPc = (a + immI) & ~1;
      }
      case 0x63 -> {
        writesRd = false;
        int off =
            ((ins >> 31) << 12)
                | (((ins >>> 7) & 1) << 11)
                | (((ins >>> 25) & 0x3f) << 5)
                | (((ins >>> 8) & 0xf) << 1);
        boolean taken =
            switch (f3) {
              case 0 -> a == b;
              case 1 -> a != b;
              case 4 -> a < b;
              case 5 -> a >= b;
              case 6 -> Long.compare(a & 0xffffffffL, b & 0xffffffffL) < 0;
              case 7 -> Long.compare(a & 0xffffffffL, b & 0xffffffffL) >= 0;
              default -> throw new Fault(1);
            };
        if (taken) {
          nextPc = pc + off;
        }
      }
      case 0x03 -> {
        int size =
            switch (f3) {
              case 0, 4 -> 1;
              case 1, 5 -> 2;
              case 2 -> 4;
              default -> throw new Fault(1);
            };
        byte[] bytes = readBytes(a + immI, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
          v = (v << 8) | (bytes[i] & 0xff);
        }
        result =
            switch (f3) {
              case 0 -> (int) (byte) v;
              case 1 -> (int) (short) v;
              default -> (int) v;
            };
      }
      case 0x23 -> {
        writesRd = false;
        int size =
            switch (f3) {
              case 0 -> 1;
              case 1 -> 2;
              case 2 -> 4;
              default -> throw new Fault(1);
            };
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
          bytes[i] = (byte) (b >>> (8 * i));
        }
        writeBytes(a + (((ins >> 25) << 5) | ((ins >>> 7) & 31)), bytes);
      }
      case 0x13 -> {
        int sh = immI & 31;
        result =
            switch (f3) {
              case 0 -> a + immI;
              case 2 -> a < immI ? 1 : 0;
              case 3 -> Long.compare(a & 0xffffffffL, immI & 0xffffffffL) < 0 ? 1 : 0;
              case 4 -> a ^ immI;
              case 6 -> a | immI;
              case 7 -> a & immI;
              case 1 -> {
                if (f7 != 0) {
                  throw new Fault(1);
                }
                yield a << sh;
              }
              default -> {
                if (f7 == 0) {
                  yield a >>> sh;
                }
                if (f7 == 0x20) {
                  yield a >> sh;
                }
                throw new Fault(1);
              }
            };
      }
      case 0x33 -> result = alu(f3, f7, a, b);
      case 0x0f -> {
        writesRd = false;
        if (f3 > 1) {
          throw new Fault(1);
        }
      }
      case 0x73 -> {
        writesRd = false;
        if (ins != 0x73) {
          throw new Fault(1);
        }
        status = ecall(r, post);
        if (status == 1) {
          nextPc = pc;
        }
      }
      default -> throw new Fault(1);
    }
    requireEnd();
    if (writesRd && rd != 0) {
      r[rd] = result;
    }
    putU32(post, 0, nextPc);
    for (int i = 1; i < 32; i++) {
      putU32(post, OFF_REGS + 4 * i, r[i]);
    }
    System.arraycopy(memRoot.bytes(), 0, post, OFF_MEM_ROOT, 32);
    putU64(post, OFF_STEP, u64(pre, OFF_STEP) + 1);
    return new Result(Hashes.keccak256(post), status);
  }

  /** The ecall of §4 on registers r and the post-state's I/O fields; returns the new status. */
  private int ecall(int[] r, byte[] post) {
    int num = r[17];
    int a0 = r[10];
    int buf = r[11];
    long len = r[12] & 0xffffffffL;
    long room = 32 - (buf & 31);
    if (num == 93) {
      putU32(post, OFF_STATUS, 1);
      putU32(post, OFF_EXIT_CODE, a0);
      return 1;
    }
    if (num == 63 && a0 == 0) {
      long cursor = u32(pre, OFF_INPUT_CURSOR) & 0xffffffffL;
      long length = u32(pre, OFF_INPUT_LENGTH) & 0xffffffffL;
      int n = (int) Math.min(Math.min(len, room), Math.min(32 - cursor % 32, length - cursor));
      if (n > 0) {
        if (!inWindow(buf, n)) {
          throw new Fault(3);
        }
        byte[] leaf = readLeaf(buf >>> 5);
        byte[] chunk = readInput(cursor, n);
        System.arraycopy(chunk, (int) (cursor % 32), leaf, buf & 31, n);
        writeLeaf(leaf);
        putU32(post, OFF_INPUT_CURSOR, (int) (cursor + n));
      }
      r[10] = n;
      return 0;
    }
    if (num == 64 && a0 == 1) {
      long outLen = u32(pre, OFF_OUTPUT_LENGTH) & 0xffffffffL;
      int n = (int) Math.min(Math.min(len, room), 32 - outLen % 32);
      if (n > 0) {
        if (!inWindow(buf, n)) {
          throw new Fault(3);
        }
        if (outLen + n > (u32(pre, OFF_OUTPUT_LIMIT) & 0xffffffffL)) {
          throw new Fault(5);
        }
        byte[] leaf = readLeaf(buf >>> 5);
        System.arraycopy(leaf, buf & 31, post, OFF_OUTPUT_BUF + (int) (outLen % 32), n);
        long newLen = outLen + n;
        if (newLen % 32 == 0) {
          byte[] acc =
              Hashes.keccak256(
                      Arrays.copyOfRange(post, OFF_OUTPUT_ACC, OFF_OUTPUT_ACC + 32),
                      Arrays.copyOfRange(post, OFF_OUTPUT_BUF, OFF_OUTPUT_BUF + 32))
                  .bytes();
          System.arraycopy(acc, 0, post, OFF_OUTPUT_ACC, 32);
          Arrays.fill(post, OFF_OUTPUT_BUF, OFF_OUTPUT_BUF + 32, (byte) 0);
        }
        putU32(post, OFF_OUTPUT_LENGTH, (int) newLen);
      }
      r[10] = n;
      return 0;
    }
    if (num == 64 && a0 == 2) {
      r[10] = r[12];
      return 0;
    }
    throw new Fault(4);
  }

  private static int alu(int f3, int f7, int a, int b) {
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
    throw new Fault(1);
  }

  /**
   * Reads size bytes at addr from one or two leaves (class 3 when any byte is outside the window).
   */
  private byte[] readBytes(int addr, int size) {
    if (!inWindow(addr, size)) {
      throw new Fault(3);
    }
    int firstLeaf = addr >>> 5;
    int lastLeaf = (addr + size - 1) >>> 5;
    byte[] l0 = readLeaf(firstLeaf);
    byte[] l1 = lastLeaf != firstLeaf ? readLeaf(lastLeaf) : l0;
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      int ad = addr + i;
      out[i] = ((ad >>> 5) == firstLeaf ? l0 : l1)[ad & 31];
    }
    return out;
  }

  /** Writes bytes at addr into one or two leaves, each read, changed and written back in order. */
  private void writeBytes(int addr, byte[] bytes) {
    if (!inWindow(addr, bytes.length)) {
      throw new Fault(3);
    }
    int firstLeaf = addr >>> 5;
    int lastLeaf = (addr + bytes.length - 1) >>> 5;
    for (int leafIdx = firstLeaf; ; leafIdx++) {
      byte[] l = readLeaf(leafIdx);
      for (int i = 0; i < bytes.length; i++) {
        int ad = addr + i;
        if ((ad >>> 5) == leafIdx) {
          l[ad & 31] = bytes[i];
        }
      }
      writeLeaf(l);
      if (leafIdx == lastLeaf) {
        break;
      }
    }
  }

  // ------------------------------------------------------------------ bytes

  private static int le32(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  private static int u32(byte[] b, int off) {
    return (b[off] & 0xff) << 24
        | (b[off + 1] & 0xff) << 16
        | (b[off + 2] & 0xff) << 8
        | (b[off + 3] & 0xff);
  }

  private static long u64(byte[] b, int off) {
    return (u32(b, off) & 0xffffffffL) << 32 | (u32(b, off + 4) & 0xffffffffL);
  }

  private static void putU32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static void putU64(byte[] b, int off, long v) {
    putU32(b, off, (int) (v >>> 32));
    putU32(b, off + 4, (int) v);
  }

  private static Bytes32 b32(byte[] b, int off) {
    return new Bytes32(Arrays.copyOfRange(b, off, off + 32));
  }
}
