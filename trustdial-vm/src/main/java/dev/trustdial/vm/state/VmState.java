package dev.trustdial.vm.state;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;

/**
 * The whole VM state as the protocol commits to it (docs/spec/vm.md "State encoding"): 256 bytes,
 * fixed layout, big-endian, so a Solidity step function can read fields at constant offsets.
 * stateHash = keccak256(encode()).
 */
public record VmState(
    int pc,
    int[] regs,
    Bytes32 memRoot,
    Bytes32 inputDigest,
    int inputLength,
    int inputCursor,
    Bytes32 outputAcc,
    int outputLength,
    long step,
    boolean exited,
    int exitCode) {
  public static final int ENCODED_SIZE = 256;
  public static final int OFF_PC = 0;
  public static final int OFF_REGS = 4;
  public static final int OFF_MEM_ROOT = 132;
  public static final int OFF_INPUT_DIGEST = 164;
  public static final int OFF_INPUT_LENGTH = 196;
  public static final int OFF_INPUT_CURSOR = 200;
  public static final int OFF_OUTPUT_ACC = 204;
  public static final int OFF_OUTPUT_LENGTH = 236;
  public static final int OFF_STEP = 240;
  public static final int OFF_EXITED = 248;
  public static final int OFF_EXIT_CODE = 252;

  public VmState {
    if (regs.length != 32) {
      throw new IllegalArgumentException("32 registers, got " + regs.length);
    }
    if (regs[0] != 0) {
      throw new IllegalArgumentException("x0 must be zero");
    }
    if (step < 0) {
      throw new IllegalArgumentException("negative step");
    }
    if (Integer.compareUnsigned(inputCursor, inputLength) > 0) {
      throw new IllegalArgumentException("input cursor beyond input length");
    }
    if (!exited && exitCode != 0) {
      throw new IllegalArgumentException("exit code is 0 until the guest exits");
    }
    regs = regs.clone();
  }

  @Override
  public int[] regs() {
    return regs.clone();
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.putInt(pc);
    for (int r : regs) {
      b.putInt(r);
    }
    b.put(memRoot.bytes());
    b.put(inputDigest.bytes());
    b.putInt(inputLength);
    b.putInt(inputCursor);
    b.put(outputAcc.bytes());
    b.putInt(outputLength);
    b.putLong(step);
    b.putInt(exited ? 1 : 0);
    b.putInt(exitCode);
    assert b.position() == ENCODED_SIZE;
    return b.array();
  }

  public Bytes32 hash() {
    return Hashes.keccak256(encode());
  }

  public static VmState decode(byte[] enc) {
    if (enc.length != ENCODED_SIZE) {
      throw new InvalidInputException("VM state encoding must be " + ENCODED_SIZE + " bytes, got " + enc.length);
    }
    ByteBuffer b = ByteBuffer.wrap(enc);
    int pc = b.getInt();
    int[] regs = new int[32];
    for (int i = 0; i < 32; i++) {
      regs[i] = b.getInt();
    }
    Bytes32 memRoot = take32(b);
    Bytes32 inputDigest = take32(b);
    int inputLength = b.getInt();
    int inputCursor = b.getInt();
    Bytes32 outputAcc = take32(b);
    int outputLength = b.getInt();
    long step = b.getLong();
    int exited = b.getInt();
    int exitCode = b.getInt();
    if (exited != 0 && exited != 1) {
      throw new InvalidInputException("exited flag must be 0 or 1, got " + exited);
    }
    if (regs[0] != 0 || step < 0 || Integer.compareUnsigned(inputCursor, inputLength) > 0 || (exited == 0 && exitCode != 0)) {
      throw new InvalidInputException("VM state encoding violates an invariant (x0, step, input cursor or exit code)");
    }
    return new VmState(pc, regs, memRoot, inputDigest, inputLength, inputCursor, outputAcc, outputLength, step, exited == 1, exitCode);
  }

  private static Bytes32 take32(ByteBuffer b) {
    byte[] x = new byte[32];
    b.get(x);
    return new Bytes32(x);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VmState s && java.util.Arrays.equals(encode(), s.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "VmState[pc=0x" + Integer.toHexString(pc) + ", step=" + step + ", exited=" + exited + ", hash=" + hash() + "]";
  }
}
