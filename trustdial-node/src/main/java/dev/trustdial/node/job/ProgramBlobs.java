package dev.trustdial.node.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.ProgramPartList;
import dev.trustdial.da.DataAvailability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Programs on DA (docs/spec/job-input.md, "Programs larger than one blob"): a program of at most
 * one blob is the blob itself; a larger one (a model, a TEE artifact) is stored as parts and named
 * by a part list ({@code TDPARTS1}, {@link ProgramPartList}) holding its length, its keccak256 and
 * the parts' blob keys.
 */
public final class ProgramBlobs {
  /** One DA blob (docs/spec/da.md MAX_BLOB_BYTES). */
  public static final int MAX_BLOB_BYTES = ProgramPartList.MAX_BLOB_BYTES;

  public static final int MAX_PARTS = ProgramPartList.MAX_PARTS;

  /** 32 parts of one blob each; a program is held in memory while it is checked. */
  public static final long MAX_PROGRAM_BYTES = ProgramPartList.MAX_PROGRAM_BYTES;

  /** What {@link #put} stored: the key to name the program by, and how many part blobs it took. */
  public record Stored(Bytes32 key, int parts) {}

  private ProgramBlobs() {}

  /**
   * Stores a program: one blob when it fits, else parts of {@code partBytes} (1 .. 16 MiB) and a
   * part list naming them.
   */
  public static Stored put(DataAvailability da, byte[] program, int partBytes) {
    if (partBytes < 1 || partBytes > MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "part size must be 1.." + MAX_BLOB_BYTES + " bytes, got " + partBytes);
    }
    if (program.length > MAX_PROGRAM_BYTES) {
      throw new InvalidInputException(
          "program is "
              + program.length
              + " bytes, above the "
              + MAX_PROGRAM_BYTES
              + "-byte limit");
    }
    if (program.length <= partBytes) {
      return new Stored(da.put(program).blobKey(), 1);
    }
    int count = (int) ((program.length + (long) partBytes - 1) / partBytes);
    if (count > MAX_PARTS) {
      throw new InvalidInputException(
          "a "
              + program.length
              + "-byte program in "
              + partBytes
              + "-byte parts needs "
              + count
              + " parts (max "
              + MAX_PARTS
              + "); use larger parts");
    }
    List<Bytes32> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * partBytes;
      keys.add(
          da.put(Arrays.copyOfRange(program, from, Math.min(program.length, from + partBytes)))
              .blobKey());
    }
    ProgramPartList list = new ProgramPartList(program.length, Hashes.keccak256(program), keys);
    return new Stored(da.put(list.encode()).blobKey(), count);
  }

  /**
   * The program named by {@code key}: the blob itself, or the parts of a part list, checked against
   * its length and digest (a malformed or inconsistent part list is a {@link JobRejected}, reason
   * 1).
   */
  public static byte[] get(DataAvailability da, Bytes32 key) {
    byte[] blob = da.get(key);
    if (!ProgramPartList.isPartList(blob)) {
      return blob;
    }
    ProgramPartList list;
    try {
      list = ProgramPartList.decode(blob);
    } catch (InvalidInputException e) {
      throw new JobRejected(
          RejectReason.PROGRAM_DIGEST_MISMATCH,
          "the part list " + key + " is malformed: " + e.getMessage());
    }
    byte[] out = new byte[Math.toIntExact(list.totalLength())];
    int at = 0;
    for (Bytes32 part : list.parts()) {
      byte[] p = da.get(part);
      if (p.length == 0 || at + (long) p.length > out.length) {
        throw new JobRejected(
            RejectReason.PROGRAM_DIGEST_MISMATCH,
            "program parts of " + key + " do not add up to its " + list.totalLength() + " bytes");
      }
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    if (at != out.length) {
      throw new JobRejected(
          RejectReason.PROGRAM_DIGEST_MISMATCH,
          "program parts of "
              + key
              + " hold "
              + at
              + " bytes, not the listed "
              + list.totalLength());
    }
    Bytes32 digest = Hashes.keccak256(out);
    if (!digest.equals(list.digest())) {
      throw new JobRejected(
          RejectReason.PROGRAM_DIGEST_MISMATCH,
          "program parts of " + key + " hash to " + digest + ", not the listed " + list.digest());
    }
    return out;
  }
}
