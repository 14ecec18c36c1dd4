package dev.trustdial.da.node;

import java.time.Duration;

/**
 * The node-wide budget of upload bytes in flight (docs/spec/da.md §7): an upload takes its declared
 * length before its body is read and gives it back when the request ends, so the heap that uploads
 * take is bounded by the budget, not by the number of clients.
 */
public final class UploadBudget {
  private final UploadLimits limits;
  private long inFlight;

  public UploadBudget(UploadLimits limits) {
    this.limits = limits;
  }

  /** A share of the budget, given back on close (once). */
  public final class Lease implements AutoCloseable {
    private final long bytes;
    private boolean closed;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public void close() {
      synchronized (UploadBudget.this) {
        if (!closed) {
          closed = true;
          inFlight -= bytes;
          if (inFlight < 0) {
            throw new IllegalStateException("upload budget went negative: " + inFlight);
          }
          UploadBudget.this.notifyAll();
        }
      }
    }
  }

  /**
   * Takes {@code bytes}, waiting up to the limits' wait for others to give theirs back; a refusal
   * (503) if they do not fit by then.
   */
  public synchronized Lease acquire(long bytes) throws InterruptedException {
    if (bytes < 0 || bytes > limits.inFlightBytes()) {
      throw new IllegalArgumentException(
          "an upload takes 0.." + limits.inFlightBytes() + " bytes, got " + bytes);
    }
    long deadline = System.nanoTime() + limits.maxWait().toNanos();
    while (inFlight + bytes > limits.inFlightBytes()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new UploadRefusedException(
            503,
            Duration.ofSeconds(5),
            "the node is busy with "
                + inFlight
                + " bytes of other uploads (budget "
                + limits.inFlightBytes()
                + "); try again later");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    inFlight += bytes;
    return new Lease(bytes);
  }

  public synchronized long inFlight() {
    return inFlight;
  }
}
