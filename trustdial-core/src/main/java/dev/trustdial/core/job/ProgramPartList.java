package dev.trustdial.core.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part list of docs/spec/job-input.md ("Programs larger than one blob", {@code TDPARTS1}): a
 * program stored as several DA blobs, named by its length, its keccak256 and the parts' blob keys
 * in order.
 */
public record ProgramPartList(long totalLength, Bytes32 digest, List<Bytes32> parts) {
  static final byte[] MAGIC = "TDPARTS1".getBytes(StandardCharsets.US_ASCII);

  /** One DA blob (docs/spec/da.md MAX_BLOB_BYTES). */
  public static final int MAX_BLOB_BYTES = 16 * 1024 * 1024;

  public static final int MAX_PARTS = 32;

  /** 32 parts of one blob each. */
  public static final long MAX_PROGRAM_BYTES = (long) MAX_PARTS * MAX_BLOB_BYTES;

  public static final int HEADER = 8 + 8 + 32 + 4;

  public ProgramPartList {
    if (parts.size() < 2 || parts.size() > MAX_PARTS) {
      throw new InvalidInputException(
          "a part list names 2.." + MAX_PARTS + " parts, not " + parts.size());
    }
    if (totalLength < parts.size() || totalLength > MAX_PROGRAM_BYTES) {
      throw new InvalidInputException(
          "a part list's program is "
              + totalLength
              + " bytes; it must be "
              + parts.size()
              + ".."
              + MAX_PROGRAM_BYTES
              + " (every part holds at least one byte)");
    }
    parts = List.copyOf(parts);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + 32 * parts.size());
    b.put(MAGIC).putLong(totalLength).put(digest.bytes()).putInt(parts.size());
    parts.forEach(p -> b.put(p.bytes()));
    return b.array();
  }

  /**
   * Whether a blob starts with the part-list magic (a program blob that does not is the program
   * itself).
   */
  public static boolean isPartList(byte[] blob) {
    return blob.length >= MAGIC.length
        && Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public static ProgramPartList decode(byte[] blob) {
    if (!isPartList(blob)) {
      throw new InvalidInputException("a part list starts with the magic TDPARTS1");
    }
    if (blob.length < HEADER) {
      throw new InvalidInputException(
          "part list is " + blob.length + " bytes, shorter than its " + HEADER + "-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(blob, MAGIC.length, blob.length - MAGIC.length);
    long total = b.getLong();
    byte[] digest = new byte[32];
    b.get(digest);
    long count = Integer.toUnsignedLong(b.getInt());
    if (count > MAX_PARTS || b.remaining() != 32 * count) {
      throw new InvalidInputException(
          "part list declares "
              + count
              + " parts (2.."
              + MAX_PARTS
              + ") but carries "
              + b.remaining()
              + " key bytes");
    }
    List<Bytes32> parts = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      byte[] k = new byte[32];
      b.get(k);
      parts.add(new Bytes32(k));
    }
    return new ProgramPartList(total, new Bytes32(digest), parts);
  }
}
