package dev.trustdial.chain;

/** JobManager's status enum, in onchain order (docs/spec/settlement.md §6). */
public enum JobStatus {
  NONE,
  ASSIGNED,
  SUBMITTED,
  DISPUTED,
  FINALIZED,
  FAILED,
  /** Waiting for its seed block; then anyone calls assign (code 6). */
  QUEUED;

  public static JobStatus fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalStateException("unknown job status code onchain: " + code);
    }
    return values()[code];
  }

  /** Finalized or failed: nothing more happens to the job. */
  public boolean isFinal() {
    return this == FINALIZED || this == FAILED;
  }
}
