package dev.trustdial.vm.cpu;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * The world as the ecall ABI shows it (docs/spec/vm.md "Ecall ABI"): the job input, served as a
 * preimage of inputDigest through a read cursor, and the output, committed by a keccak chain.
 * The log stream never touches the state.
 */
public final class GuestIo {
  /** One accumulator step: acc' = keccak256(acc || chunk). */
  public static Bytes32 chain(Bytes32 acc, byte[] chunk) {
    return Hashes.keccak256(acc.bytes(), chunk);
  }

  /** Linux-compatible ecall numbers so the same ELF also runs under qemu-riscv32. */
  public static final int SYS_READ = 63;
  public static final int SYS_WRITE = 64;
  public static final int SYS_EXIT = 93;
  public static final int FD_INPUT = 0;
  public static final int FD_OUTPUT = 1;
  public static final int FD_LOG = 2;
  /** Bytes one read/write ecall moves at most: never past the end of the buffer's 32-byte leaf. */
  public static final int CHUNK = 32;

  private final byte[] input;
  private final Bytes32 inputDigest;
  int inputCursor;
  private byte[] outputAcc = new byte[32];
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  /** Output as the guest wrote it, chunk by chunk: the accumulator chains over these. */
  private final java.util.ArrayList<byte[]> chunks = new java.util.ArrayList<>();
  private final int maxOutput;
  private Consumer<byte[]> logSink = b -> {};

  public GuestIo(byte[] input, int maxOutput) {
    this.input = input.clone();
    this.inputDigest = Hashes.keccak256(input);
    this.maxOutput = maxOutput;
  }

  /** Restores the cursor and replays output chunks; returns the resulting accumulator. */
  public Bytes32 restore(int inputCursor, java.util.List<byte[]> outputChunks) {
    if (inputCursor < 0 || inputCursor > input.length) {
      throw new IllegalArgumentException("input cursor " + inputCursor + " beyond input of " + input.length);
    }
    this.inputCursor = inputCursor;
    this.outputAcc = new byte[32];
    output.reset();
    chunks.clear();
    for (byte[] c : outputChunks) {
      appendOutput(c);
    }
    return outputAcc();
  }

  public java.util.List<byte[]> outputChunks() {
    return chunks.stream().map(byte[]::clone).toList();
  }

  public void setLogSink(Consumer<byte[]> sink) {
    this.logSink = sink;
  }

  public byte[] input() {
    return input.clone();
  }

  public int inputLength() {
    return input.length;
  }

  public Bytes32 inputDigest() {
    return inputDigest;
  }

  public int inputCursor() {
    return inputCursor;
  }

  public Bytes32 outputAcc() {
    return new Bytes32(outputAcc);
  }

  public int outputLength() {
    return output.size();
  }

  public byte[] output() {
    return output.toByteArray();
  }

  int inputByte(int i) {
    return input[i] & 0xff;
  }

  int maxOutput() {
    return maxOutput;
  }

  boolean outputWouldExceed(int n) {
    return output.size() + (long) n > maxOutput;
  }

  void appendOutput(byte[] chunk) {
    assert chunk.length >= 1 && chunk.length <= CHUNK;
    chunks.add(chunk.clone());
    output.writeBytes(chunk);
    outputAcc = Hashes.keccak256(outputAcc, chunk).bytes();
  }

  void log(byte[] bytes) {
    logSink.accept(bytes);
  }
}
