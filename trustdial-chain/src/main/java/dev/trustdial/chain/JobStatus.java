package dev.trustdial.chain;

/** JobManager's status enum, in onchain order. */
public enum JobStatus {
  NONE,
  ASSIGNED,
  SUBMITTED,
  DISPUTED,
  FINALIZED,
  FAILED;

  public static JobStatus fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalStateException("unknown job status code onchain: " + code);
    }
    return values()[code];
  }
}
