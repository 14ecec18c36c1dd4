package dev.trustdial.vm.state;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The output commitment of docs/spec/vm.md §4.2: a keccak chain over the complete 32-byte chunks
 * (outputAcc), the pending bytes zero-padded (outputBuf) and the length. The output digest follows
 * from a state alone or from the output bytes alone; both routes meet here.
 */
public final class OutputCommitment {
  private OutputCommitment() {}

  public static final int CHUNK = 32;

  /** The (outputAcc, outputBuf, outputLength) a stream of output bytes commits to. */
  public record Parts(Bytes32 acc, Bytes32 buf, int length) {}

  /** One chain step over a complete chunk: keccak256(acc || chunk). */
  public static Bytes32 chain(Bytes32 acc, byte[] chunk) {
    assert chunk.length == CHUNK;
    return Hashes.keccak256(acc.bytes(), chunk);
  }

  /** The commitment of these output bytes: chain the complete chunks, zero-pad the rest. */
  public static Parts of(byte[] output) {
    Bytes32 acc = Bytes32.ZERO;
    int full = output.length / CHUNK * CHUNK;
    for (int off = 0; off < full; off += CHUNK) {
      acc = chain(acc, Arrays.copyOfRange(output, off, off + CHUNK));
    }
    byte[] buf = new byte[CHUNK];
    System.arraycopy(output, full, buf, 0, output.length - full);
    return new Parts(acc, new Bytes32(buf), output.length);
  }

  /** keccak256(acc || buf || uint32 length), 68 bytes, big-endian length. */
  public static Bytes32 digest(Bytes32 acc, Bytes32 buf, int length) {
    return Hashes.keccak256(
        acc.bytes(), buf.bytes(), ByteBuffer.allocate(4).putInt(length).array());
  }

  /**
   * The output digest of these output bytes (equal to the final state's {@link
   * VmState#outputDigest()}).
   */
  public static Bytes32 digest(byte[] output) {
    Parts p = of(output);
    return digest(p.acc(), p.buf(), p.length());
  }
}
