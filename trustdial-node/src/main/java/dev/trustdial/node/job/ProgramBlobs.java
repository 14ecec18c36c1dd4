package dev.trustdial.node.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Programs on DA (docs/spec/job-input.md, "Programs larger than one blob"): a program of at most one
 * blob is the blob itself; a larger one (a model, a TEE artifact) is stored as parts and named by a
 * part list ({@code TDPARTS1}) holding its length, its keccak256 and the parts' blob keys.
 */
public final class ProgramBlobs {
  static final byte[] MAGIC = "TDPARTS1".getBytes(StandardCharsets.US_ASCII);
  /** One DA blob (docs/spec/da.md MAX_BLOB_BYTES). */
  public static final int MAX_BLOB_BYTES = 16 * 1024 * 1024;
  public static final int MAX_PARTS = 32;
  /** 32 parts of one blob each; a program is held in memory while it is checked. */
  public static final long MAX_PROGRAM_BYTES = (long) MAX_PARTS * MAX_BLOB_BYTES;
  static final int HEADER = 8 + 8 + 32 + 4;

  /** A decoded part list. */
  public record PartList(long totalLength, Bytes32 digest, List<Bytes32> parts) {
    public PartList {
      if (parts.size() < 2 || parts.size() > MAX_PARTS) {
        throw new InvalidInputException("a part list names 2.." + MAX_PARTS + " parts, not " + parts.size());
      }
      if (totalLength < parts.size() || totalLength > MAX_PROGRAM_BYTES) {
        throw new InvalidInputException("a part list's program is " + totalLength + " bytes; it must be " + parts.size() + ".."
            + MAX_PROGRAM_BYTES + " (every part holds at least one byte)");
      }
      parts = List.copyOf(parts);
    }

    public byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(HEADER + 32 * parts.size());
      b.put(MAGIC).putLong(totalLength).put(digest.bytes()).putInt(parts.size());
      parts.forEach(p -> b.put(p.bytes()));
      return b.array();
    }
  }

  /** What {@link #put} stored: the key to name the program by, and how many part blobs it took. */
  public record Stored(Bytes32 key, int parts) {}

  private ProgramBlobs() {}

  public static boolean isPartList(byte[] blob) {
    return blob.length >= MAGIC.length && Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public static PartList decode(byte[] blob) {
    if (!isPartList(blob)) {
      throw new InvalidInputException("a part list starts with the magic TDPARTS1");
    }
    if (blob.length < HEADER) {
      throw new InvalidInputException("part list is " + blob.length + " bytes, shorter than its " + HEADER + "-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(blob, MAGIC.length, blob.length - MAGIC.length);
    long total = b.getLong();
    byte[] digest = new byte[32];
    b.get(digest);
    long count = Integer.toUnsignedLong(b.getInt());
    if (count > MAX_PARTS || b.remaining() != 32 * count) {
      throw new InvalidInputException("part list declares " + count + " parts (2.." + MAX_PARTS + ") but carries " + b.remaining() + " key bytes");
    }
    List<Bytes32> parts = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      byte[] k = new byte[32];
      b.get(k);
      parts.add(new Bytes32(k));
    }
    return new PartList(total, new Bytes32(digest), parts);
  }

  /**
   * Stores a program: one blob when it fits, else parts of {@code partBytes} (1 .. 16 MiB) and a
   * part list naming them.
   */
  public static Stored put(DataAvailability da, byte[] program, int partBytes) {
    if (partBytes < 1 || partBytes > MAX_BLOB_BYTES) {
      throw new InvalidInputException("part size must be 1.." + MAX_BLOB_BYTES + " bytes, got " + partBytes);
    }
    if (program.length > MAX_PROGRAM_BYTES) {
      throw new InvalidInputException("program is " + program.length + " bytes, above the " + MAX_PROGRAM_BYTES + "-byte limit");
    }
    if (program.length <= partBytes) {
      return new Stored(da.put(program).blobKey(), 1);
    }
    int count = (int) ((program.length + (long) partBytes - 1) / partBytes);
    if (count > MAX_PARTS) {
      throw new InvalidInputException("a " + program.length + "-byte program in " + partBytes + "-byte parts needs " + count
          + " parts (max " + MAX_PARTS + "); use larger parts");
    }
    List<Bytes32> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * partBytes;
      keys.add(da.put(Arrays.copyOfRange(program, from, Math.min(program.length, from + partBytes))).blobKey());
    }
    PartList list = new PartList(program.length, Hashes.keccak256(program), keys);
    return new Stored(da.put(list.encode()).blobKey(), count);
  }

  /**
   * The program named by {@code key}: the blob itself, or the parts of a part list, checked against
   * its length and digest (a malformed or inconsistent part list is a {@link JobRejected}, reason 1).
   */
  public static byte[] get(DataAvailability da, Bytes32 key) {
    byte[] blob = da.get(key);
    if (!isPartList(blob)) {
      return blob;
    }
    PartList list;
    try {
      list = decode(blob);
    } catch (InvalidInputException e) {
      throw new JobRejected(RejectReason.PROGRAM_DIGEST_MISMATCH, "the part list " + key + " is malformed: " + e.getMessage());
    }
    byte[] out = new byte[Math.toIntExact(list.totalLength())];
    int at = 0;
    for (Bytes32 part : list.parts()) {
      byte[] p = da.get(part);
      if (p.length == 0 || at + (long) p.length > out.length) {
        throw new JobRejected(RejectReason.PROGRAM_DIGEST_MISMATCH, "program parts of " + key + " do not add up to its " + list.totalLength() + " bytes");
      }
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    if (at != out.length) {
      throw new JobRejected(RejectReason.PROGRAM_DIGEST_MISMATCH, "program parts of " + key + " hold " + at + " bytes, not the listed " + list.totalLength());
    }
    Bytes32 digest = Hashes.keccak256(out);
    if (!digest.equals(list.digest())) {
      throw new JobRejected(RejectReason.PROGRAM_DIGEST_MISMATCH, "program parts of " + key + " hash to " + digest + ", not the listed " + list.digest());
    }
    return out;
  }
}
