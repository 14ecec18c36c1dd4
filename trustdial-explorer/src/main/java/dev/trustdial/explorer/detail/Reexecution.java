package dev.trustdial.explorer.detail;

import java.util.Optional;

/**
 * One re-execution of an inference job: the commitment the explorer computed from the job's request
 * and model, and whether it equals the operator's onchain commitment.
 *
 * @param outcome {@code MATCH}, {@code MISMATCH} or {@code TIMED_OUT} (the run passed the
 *     explorer's limit)
 * @param recomputed absent when the run timed out
 * @param note what the recomputed result is when it is an outcome record (a rejected request), or
 *     why it stopped
 */
public record Reexecution(
    long jobId,
    String outcome,
    JobDetail.Commitment onchain,
    Optional<JobDetail.Commitment> recomputed,
    Optional<String> text,
    int outputTokens,
    long modelBytes,
    long millis,
    Optional<String> note) {
  public boolean matches() {
    return outcome.equals("MATCH");
  }
}
