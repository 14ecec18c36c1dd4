package dev.trustdial.explorer.store;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A job as the index sees it now; {@code gasTotal} sums every transaction that touched it (match
 * moves included).
 */
public record JobRow(
    long jobId,
    long appId,
    String mode,
    Address submitter,
    String inputBlob,
    long maxSteps,
    BigInteger fee,
    String status,
    Optional<Address> operator,
    long attempt,
    long submittedTime,
    Optional<Long> resultTime,
    Optional<Long> finalizedTime,
    Optional<String> outputBlob,
    Optional<Long> stepCount,
    int challenges,
    int takeovers,
    Optional<String> failure,
    long gasTotal,
    int transactions) {

  /** Seconds from submission to finalization, once final. */
  public Optional<Long> secondsToFinality() {
    return finalizedTime.map(f -> f - submittedTime);
  }
}
