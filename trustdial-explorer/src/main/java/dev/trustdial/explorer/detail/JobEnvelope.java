package dev.trustdial.explorer.detail;

import dev.trustdial.core.bytes.Bytes32;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The job input envelope ({@code TDJOBIN1}) and the program part list ({@code TDPARTS1}) of
 * docs/spec/job-input.md, read for display; the explorer refuses what the spec refuses.
 */
public record JobEnvelope(Bytes32 programBlobKey, long checkpointStride, byte[] input) {
  static final byte[] MAGIC = "TDJOBIN1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] PARTS_MAGIC = "TDPARTS1".getBytes(StandardCharsets.US_ASCII);
  static final int MAX_INPUT = 15 << 20;

  public JobEnvelope {
    input = input.clone();
  }

  @Override
  public byte[] input() {
    return input.clone();
  }

  public static JobEnvelope parse(byte[] b) {
    if (b.length < 52 || !Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
      throw new DetailException("the input blob is not a TDJOBIN1 job envelope (" + b.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(b);
    in.position(8);
    byte[] key = new byte[32];
    in.get(key);
    long stride = in.getLong();
    long length = Integer.toUnsignedLong(in.getInt());
    if (stride < 1 || stride > (1L << 32)) {
      throw new DetailException("the envelope's checkpoint stride " + Long.toUnsignedString(stride) + " is outside 1 .. 2^32");
    }
    if (length > MAX_INPUT || length != b.length - 52) {
      throw new DetailException("the envelope's inputLength " + length + " does not match its " + (b.length - 52) + " input bytes (at most "
          + MAX_INPUT + ")");
    }
    return new JobEnvelope(new Bytes32(key), stride, Arrays.copyOfRange(b, 52, b.length));
  }

  /** A program stored as parts: its length, keccak256 and the parts' blob keys in order. */
  public record PartList(long totalLength, Bytes32 digest, List<Bytes32> parts) {
    public PartList {
      parts = List.copyOf(parts);
    }

    public static boolean is(byte[] b) {
      return b.length >= 8 && Arrays.equals(b, 0, 8, PARTS_MAGIC, 0, 8);
    }

    public static PartList parse(byte[] b) {
      if (!is(b) || b.length < 52) {
        throw new DetailException("the program blob is not a TDPARTS1 part list");
      }
      ByteBuffer in = ByteBuffer.wrap(b);
      in.position(8);
      long total = in.getLong();
      byte[] digest = new byte[32];
      in.get(digest);
      long count = Integer.toUnsignedLong(in.getInt());
      if (count < 2 || count > 32 || b.length != 52 + 32 * count || total < count || total > (512L << 20)) {
        throw new DetailException("malformed part list: " + count + " parts, " + total + " bytes, " + b.length + " bytes of list");
      }
      List<Bytes32> keys = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] k = new byte[32];
        in.get(k);
        keys.add(new Bytes32(k));
      }
      return new PartList(total, new Bytes32(digest), keys);
    }
  }
}
