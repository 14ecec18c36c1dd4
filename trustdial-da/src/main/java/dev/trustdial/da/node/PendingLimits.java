package dev.trustdial.da.node;

import java.time.Duration;

/**
 * Bounds on blobs no certificate names yet (docs/spec/da.md §7.1): one uploader (client address)
 * holds at most {@code bytesPerUploader} of them, all uploaders together {@code bytesTotal}, and
 * each is deleted {@code window} after its upload unless a registered certificate names it by then.
 */
public record PendingLimits(long bytesPerUploader, long bytesTotal, Duration window) {
  /**
   * 1 GiB per address and 16 GiB in all; one hour, past BlobRegistry's 256-block reference window
   * at 12 s blocks (51 min), after which no certificate of the blob can be registered.
   */
  public static final PendingLimits DEFAULT =
      new PendingLimits(1L << 30, 16L << 30, Duration.ofHours(1));

  public PendingLimits {
    if (bytesPerUploader <= 0) {
      throw new IllegalArgumentException(
          "the pending quota per uploader must be positive, got " + bytesPerUploader);
    }
    if (bytesTotal < bytesPerUploader) {
      throw new IllegalArgumentException(
          "the total pending quota ("
              + bytesTotal
              + ") is below the quota per uploader ("
              + bytesPerUploader
              + ")");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the pending window must be positive, got " + window);
    }
  }
}
