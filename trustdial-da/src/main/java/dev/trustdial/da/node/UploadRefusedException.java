package dev.trustdial.da.node;

import java.time.Duration;

/**
 * The node cannot take an upload now, through no fault of its encoding: 503 (upload budget in use),
 * 429 (the uploader's pending quota is full) or 507 (the node's pending storage is full). Nothing
 * stored is lost; the client may send it again after {@code retryAfter}.
 */
public final class UploadRefusedException extends RuntimeException {
  private final int status;
  private final Duration retryAfter;

  public UploadRefusedException(int status, Duration retryAfter, String message) {
    super(message);
    if (status != 429 && status != 503 && status != 507) {
      throw new IllegalArgumentException("an upload refusal is 429, 503 or 507, got " + status);
    }
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
