package dev.trustdial.node.job;

import dev.trustdial.core.InvalidInputException;

/**
 * The job itself is bad in a way every node sees the same (a digest mismatch, an unparseable
 * envelope, program or inference request): it ends with a rejected outcome, not a decline.
 */
public final class JobRejected extends InvalidInputException {
  private final RejectReason reason;

  public JobRejected(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public JobRejected(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
