package dev.trustdial.vm.cpu;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.BlobOpening;
import dev.trustdial.vm.input.InputForm;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.memory.InputTree;
import dev.trustdial.vm.state.OutputCommitment;
import dev.trustdial.vm.witness.BlobInputProof;
import dev.trustdial.vm.witness.InputChunkProof;
import dev.trustdial.vm.witness.InputProof;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The world as the ecall ABI shows it (docs/spec/vm.md §4): the job input, committed by a chunk
 * tree and read through a cursor, and the output, committed by a chain over complete 32-byte chunks
 * plus the pending chunk. The log stream never touches the state.
 */
public final class GuestIo {
  /** Linux-compatible ecall numbers so the same ELF also runs under qemu-riscv32. */
  public static final int SYS_READ = 63;

  public static final int SYS_WRITE = 64;
  public static final int SYS_EXIT = 93;
  public static final int FD_INPUT = 0;
  public static final int FD_OUTPUT = 1;
  public static final int FD_LOG = 2;

  /** Memory leaf, input chunk and output chunk size: one ecall never crosses any of them. */
  public static final int CHUNK = 32;

  private final byte[] input;
  private final InputForm inputForm;
  private final Bytes32 inputRoot;

  /** Built again on the first proof request (witnesses only): a plain run needs just the root. */
  private InputTree inputTree;

  int inputCursor;
  private byte[] outputAcc = new byte[32];
  private final byte[] outputBuf = new byte[32];
  private final OutputBytes output = new OutputBytes();

  /** The output stream, with a copy of a tail without copying the whole. */
  private static final class OutputBytes extends ByteArrayOutputStream {
    synchronized byte[] copyFrom(int from) {
      return java.util.Arrays.copyOfRange(buf, from, count);
    }
  }

  private final int outputLimit;
  private Consumer<byte[]> logSink = b -> {};

  /**
   * @param outputLimit the state's outputLimit (unsigned)
   */
  public GuestIo(byte[] input, int outputLimit) {
    this(VmInput.of(input), outputLimit);
  }

  /**
   * @param outputLimit the state's outputLimit (unsigned)
   */
  public GuestIo(VmInput input, int outputLimit) {
    this.input = input.bytes();
    this.inputForm = input.form();
    this.inputRoot = input.root();
    this.outputLimit = outputLimit;
  }

  /** Restores the cursor and the output written so far (its commitment is recomputed). */
  public void restore(int inputCursor, byte[] outputBytes) {
    if (inputCursor < 0 || inputCursor > input.length) {
      throw new IllegalArgumentException(
          "input cursor " + inputCursor + " beyond input of " + input.length);
    }
    this.inputCursor = inputCursor;
    OutputCommitment.Parts p = OutputCommitment.of(outputBytes);
    outputAcc = p.acc().bytes();
    System.arraycopy(p.buf().bytes(), 0, outputBuf, 0, 32);
    output.reset();
    output.writeBytes(outputBytes);
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

  public Bytes32 inputRoot() {
    return inputRoot;
  }

  public int inputCursor() {
    return inputCursor;
  }

  public InputForm inputForm() {
    return inputForm;
  }

  /**
   * The input part of the witness of a read of {@code n > 0} bytes at the cursor (docs/spec/vm.md
   * §9.1): chunk {@code inputCursor / 32} with its 27 siblings against {@link #inputRoot()}, or for
   * a blob-form input the openings of the field elements the read covers.
   */
  public InputProof inputProof(int n) {
    int c = inputCursor >>> 5;
    return switch (inputForm) {
      case InputForm.ChunkTree t -> new InputChunkProof(c, tree().chunk(c), tree().proof(c));
      case InputForm.Blobs b -> {
        int first = BlobInput.elementOf(inputCursor);
        int last = BlobInput.elementOf(inputCursor + (long) n - 1);
        List<BlobOpening> openings = new ArrayList<>();
        for (int e = first; e <= last; e++) {
          BlobOpening o = b.opener().open(e);
          checkOpening(e, o);
          openings.add(o);
        }
        yield new BlobInputProof(c, b.versionedHashes(), first, openings);
      }
    };
  }

  /**
   * An opener that disagrees with the input (wrong blobs, wrong bytes) is a host bug: caught here,
   * not onchain.
   */
  private void checkOpening(int element, BlobOpening o) {
    byte[] y = o.y().bytes();
    for (int i = 0; i < 32; i++) {
      long b = (long) element * BlobInput.BYTES_PER_ELEMENT + i - 1 - BlobInput.PAYLOAD_OFFSET;
      if (i > 0 && b >= 0 && b < input.length && (y[i] & 0xff) != (input[(int) b] & 0xff)) {
        throw new IllegalStateException(
            "blob opening of element " + element + " disagrees with input byte " + b);
      }
    }
    if (y[0] != 0) {
      throw new IllegalStateException(
          "blob opening of element "
              + element
              + " is not a DA sub-blob element (byte 0 is not zero)");
    }
    int blob = element / BlobInput.ELEMENTS_PER_BLOB;
    List<Bytes32> hashes = ((InputForm.Blobs) inputForm).versionedHashes();
    if (blob >= hashes.size()
        || !BlobInput.versionedHash(o.commitment()).equals(hashes.get(blob))) {
      throw new IllegalStateException(
          "blob opening of element " + element + " has a commitment outside the input's blobs");
    }
  }

  private InputTree tree() {
    if (inputTree == null) {
      inputTree = new InputTree(input);
      assert inputTree.root().equals(inputRoot);
    }
    return inputTree;
  }

  public Bytes32 outputAcc() {
    return new Bytes32(outputAcc);
  }

  public Bytes32 outputBuf() {
    return new Bytes32(outputBuf);
  }

  public int outputLength() {
    return output.size();
  }

  public int outputLimit() {
    return outputLimit;
  }

  public byte[] output() {
    return output.toByteArray();
  }

  /** The output bytes from offset {@code from} (at most {@link #outputLength()}) to the end. */
  public byte[] outputFrom(int from) {
    if (from < 0 || from > output.size()) {
      throw new IllegalArgumentException("output offset " + from + " outside 0.." + output.size());
    }
    return output.copyFrom(from);
  }

  int inputByte(int i) {
    return input[i] & 0xff;
  }

  /**
   * Bytes read_input moves at the cursor for a request of {@code room} bytes: never past the chunk
   * or the input's end.
   */
  int inputAvailable(int room) {
    int n = Math.min(room, CHUNK - (inputCursor & (CHUNK - 1)));
    return Math.min(n, input.length - inputCursor);
  }

  /** Bytes write_output takes for a request of {@code room} bytes: never past the pending chunk. */
  int outputRoom(int room) {
    return Math.min(room, CHUNK - (output.size() & (CHUNK - 1)));
  }

  boolean outputWouldExceed(int n) {
    return output.size() + (long) n > Integer.toUnsignedLong(outputLimit);
  }

  /** Appends bytes that fit the pending chunk; a completed chunk goes into the chain. */
  void appendOutput(byte[] bytes) {
    int at = output.size() & (CHUNK - 1);
    assert bytes.length >= 1 && at + bytes.length <= CHUNK;
    System.arraycopy(bytes, 0, outputBuf, at, bytes.length);
    output.writeBytes(bytes);
    if ((output.size() & (CHUNK - 1)) == 0) {
      outputAcc = OutputCommitment.chain(new Bytes32(outputAcc), outputBuf).bytes();
      Arrays.fill(outputBuf, (byte) 0);
    }
  }

  void log(byte[] bytes) {
    logSink.accept(bytes);
  }
}
