package dev.trustdial.vm.state;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The whole VM state as the protocol commits to it (docs/spec/vm.md §5): 296 bytes, fixed layout,
 * big-endian, so the Solidity step function reads fields at constant offsets. stateHash =
 * keccak256(encode()). Only valid states exist: the constructor (and so decode) checks every
 * validity rule of §5.
 *
 * @param status {@link #RUNNING}, {@link #EXITED} or {@link #FAULTED}
 * @param exitCode 0 while running, the guest's exit code once exited, the fault class (1..5) once
 *     faulted
 */
public record VmState(
    int pc,
    int[] regs,
    Bytes32 memRoot,
    Bytes32 inputRoot,
    int inputLength,
    int inputCursor,
    Bytes32 outputAcc,
    Bytes32 outputBuf,
    int outputLength,
    int outputLimit,
    int ramEnd,
    long step,
    int status,
    int exitCode) {
  public static final int ENCODED_SIZE = 296;
  public static final int OFF_PC = 0;
  public static final int OFF_REGS = 4;
  public static final int OFF_MEM_ROOT = 132;
  public static final int OFF_INPUT_ROOT = 164;
  public static final int OFF_INPUT_LENGTH = 196;
  public static final int OFF_INPUT_CURSOR = 200;
  public static final int OFF_OUTPUT_ACC = 204;
  public static final int OFF_OUTPUT_BUF = 236;
  public static final int OFF_OUTPUT_LENGTH = 268;
  public static final int OFF_OUTPUT_LIMIT = 272;
  public static final int OFF_RAM_END = 276;
  public static final int OFF_STEP = 280;
  public static final int OFF_STATUS = 288;
  public static final int OFF_EXIT_CODE = 292;

  public static final int RUNNING = 0;
  public static final int EXITED = 1;
  public static final int FAULTED = 2;
  public static final int RAM_BASE = 0x0001_0000;
  public static final long MAX_RAM_END = 0x8000_0000L;

  public VmState {
    if (regs.length != 32) {
      throw invalid("it has " + regs.length + " registers, not 32");
    }
    if (regs[0] != 0) {
      throw invalid("x0 is not zero");
    }
    if (Integer.compareUnsigned(inputCursor, inputLength) > 0) {
      throw invalid("the input cursor is beyond the input length");
    }
    if (Integer.compareUnsigned(outputLength, outputLimit) > 0) {
      throw invalid("the output length is beyond the output limit");
    }
    byte[] buf = outputBuf.bytes();
    for (int i = outputLength & 31; i < 32; i++) {
      if (buf[i] != 0) {
        throw invalid("outputBuf has non-zero bytes past outputLength mod 32");
      }
    }
    if (!validRamEnd(ramEnd)) {
      throw invalid(
          String.format(
              "ramEnd 0x%08x is not a multiple of 4096 in (0x%08x, 0x%08x]",
              ramEnd, RAM_BASE, MAX_RAM_END));
    }
    if (step < 0) {
      throw invalid("step is 2^63 or more");
    }
    if (status < RUNNING || status > FAULTED) {
      throw invalid(
          "status "
              + Integer.toUnsignedString(status)
              + " is not 0 (running), 1 (exited) or 2 (faulted)");
    }
    if (status == RUNNING && exitCode != 0) {
      throw invalid("a running state has exit code " + exitCode + ", not 0");
    }
    if (status == FAULTED && (exitCode < 1 || exitCode > 5)) {
      throw invalid(
          "a faulted state has fault class " + Integer.toUnsignedString(exitCode) + ", not 1..5");
    }
    regs = regs.clone();
  }

  /** Whether ramEnd (as unsigned) is a multiple of 4096 with RAM_BASE < ramEnd <= 0x80000000. */
  public static boolean validRamEnd(long ramEnd) {
    long e = ramEnd & 0xffff_ffffL;
    return (e & 0xfff) == 0 && e > RAM_BASE && e <= MAX_RAM_END;
  }

  private static InvalidInputException invalid(String why) {
    return new InvalidInputException("invalid VM state: " + why);
  }

  @Override
  public int[] regs() {
    return regs.clone();
  }

  public boolean running() {
    return status == RUNNING;
  }

  public boolean exited() {
    return status == EXITED;
  }

  public boolean faulted() {
    return status == FAULTED;
  }

  /** A terminal (exited or faulted) state steps to itself. */
  public boolean terminal() {
    return status != RUNNING;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.putInt(pc);
    for (int r : regs) {
      b.putInt(r);
    }
    b.put(memRoot.bytes());
    b.put(inputRoot.bytes());
    b.putInt(inputLength);
    b.putInt(inputCursor);
    b.put(outputAcc.bytes());
    b.put(outputBuf.bytes());
    b.putInt(outputLength);
    b.putInt(outputLimit);
    b.putInt(ramEnd);
    b.putLong(step);
    b.putInt(status);
    b.putInt(exitCode);
    assert b.position() == ENCODED_SIZE;
    return b.array();
  }

  public Bytes32 hash() {
    return Hashes.keccak256(encode());
  }

  /** keccak256(outputAcc || outputBuf || uint32 outputLength): the output digest of §4.2. */
  public Bytes32 outputDigest() {
    return OutputCommitment.digest(outputAcc, outputBuf, outputLength);
  }

  /**
   * Decodes a 296-byte encoding; anything that is not a valid state is an InvalidInputException.
   */
  public static VmState decode(byte[] enc) {
    if (enc.length != ENCODED_SIZE) {
      throw new InvalidInputException(
          "VM state encoding must be " + ENCODED_SIZE + " bytes, got " + enc.length);
    }
    ByteBuffer b = ByteBuffer.wrap(enc);
    int pc = b.getInt();
    int[] regs = new int[32];
    for (int i = 0; i < 32; i++) {
      regs[i] = b.getInt();
    }
    Bytes32 memRoot = take32(b);
    Bytes32 inputRoot = take32(b);
    int inputLength = b.getInt();
    int inputCursor = b.getInt();
    Bytes32 outputAcc = take32(b);
    Bytes32 outputBuf = take32(b);
    int outputLength = b.getInt();
    int outputLimit = b.getInt();
    int ramEnd = b.getInt();
    long step = b.getLong();
    int status = b.getInt();
    int exitCode = b.getInt();
    return new VmState(
        pc,
        regs,
        memRoot,
        inputRoot,
        inputLength,
        inputCursor,
        outputAcc,
        outputBuf,
        outputLength,
        outputLimit,
        ramEnd,
        step,
        status,
        exitCode);
  }

  private static Bytes32 take32(ByteBuffer b) {
    byte[] x = new byte[32];
    b.get(x);
    return new Bytes32(x);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VmState s && Arrays.equals(encode(), s.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "VmState[pc=0x"
        + Integer.toHexString(pc)
        + ", step="
        + step
        + ", status="
        + status
        + ", exitCode="
        + exitCode
        + ", hash="
        + hash()
        + "]";
  }
}
