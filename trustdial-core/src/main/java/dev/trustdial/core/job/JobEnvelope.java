package dev.trustdial.core.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The job input envelope of docs/spec/job-input.md ({@code TDJOBIN1}): program blob key, checkpoint
 * stride, guest input. Shared by whoever writes one (CLI, demo) and whoever reads one (operator,
 * watchtower, explorer).
 */
public record JobEnvelope(Bytes32 programBlobKey, long checkpointStride, byte[] input) {
  static final byte[] MAGIC = "TDJOBIN1".getBytes(StandardCharsets.US_ASCII);
  public static final int HEADER = 8 + 32 + 8 + 4;
  public static final long MAX_STRIDE = 1L << 32;
  public static final int MAX_INPUT_BYTES = 15 << 20;

  public JobEnvelope {
    if (checkpointStride < 1 || checkpointStride > MAX_STRIDE) {
      throw new InvalidInputException("checkpoint stride must be 1..2^32, got " + checkpointStride);
    }
    if (input.length > MAX_INPUT_BYTES) {
      throw new InvalidInputException(
          "job input is " + input.length + " bytes, above the " + MAX_INPUT_BYTES + "-byte limit");
    }
    input = input.clone();
  }

  @Override
  public byte[] input() {
    return input.clone();
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + input.length);
    b.put(MAGIC)
        .put(programBlobKey.bytes())
        .putLong(checkpointStride)
        .putInt(input.length)
        .put(input);
    return b.array();
  }

  /** keccak256 of the encoding: the job's onchain inputDigest. */
  public Bytes32 digest() {
    return Hashes.keccak256(encode());
  }

  /**
   * Decodes an envelope; anything that is not one (short, wrong magic, stride out of range, input
   * over the limit or not matching its declared length) is an {@link InvalidInputException}.
   */
  public static JobEnvelope decode(byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new InvalidInputException(
          "job envelope is "
              + bytes.length
              + " bytes, shorter than its "
              + HEADER
              + "-byte header");
    }
    if (!Arrays.equals(bytes, 0, 8, MAGIC, 0, 8)) {
      throw new InvalidInputException("job envelope does not start with the magic TDJOBIN1");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
    byte[] key = new byte[32];
    b.get(key);
    long stride = b.getLong();
    long length = Integer.toUnsignedLong(b.getInt());
    if (length > MAX_INPUT_BYTES) {
      throw new InvalidInputException(
          "job envelope declares "
              + length
              + " input bytes, above the "
              + MAX_INPUT_BYTES
              + "-byte limit");
    }
    if (length != b.remaining()) {
      throw new InvalidInputException(
          "job envelope declares " + length + " input bytes but carries " + b.remaining());
    }
    byte[] input = new byte[(int) length];
    b.get(input);
    return new JobEnvelope(new Bytes32(key), stride, input);
  }
}
