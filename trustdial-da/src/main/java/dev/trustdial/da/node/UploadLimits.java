package dev.trustdial.da.node;

import java.time.Duration;

/**
 * How much upload data a node holds in memory at once (docs/spec/da.md §7): uploads in flight may
 * declare at most {@code inFlightBytes} together; one that does not fit waits up to {@code maxWait}
 * for others to finish, then is refused with 503 and Retry-After.
 */
public record UploadLimits(long inFlightBytes, Duration maxWait) {
  /**
   * 64 MiB: one upload of the largest size (about 34 MiB) or many smaller ones at once; the heap an
   * upload takes is about twice its size (decoded cells and the KZG batch), so about 128 MiB in
   * all.
   */
  public static final UploadLimits DEFAULT = new UploadLimits(64L << 20, Duration.ofSeconds(10));

  public UploadLimits {
    if (inFlightBytes < ChunkUpload.MAX_BYTES) {
      throw new IllegalArgumentException(
          "the upload budget must hold the largest upload ("
              + ChunkUpload.MAX_BYTES
              + " bytes), got "
              + inFlightBytes);
    }
    if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(20)) > 0) {
      // Past the connection idle timeout a waiting client would be dropped instead of answered.
      throw new IllegalArgumentException("the upload wait must be 0..20 s, got " + maxWait);
    }
  }
}
