package dev.trustdial.explorer.store;

import java.util.Map;
import java.util.Optional;

/**
 * A stored settlement event: where, when, who sent its transaction, that transaction's gas, and the
 * event's fields.
 */
public record EventRow(
    long block,
    long logIndex,
    String txHash,
    String kind,
    long time,
    Optional<Long> jobId,
    Optional<Long> disputeId,
    Optional<String> operator,
    String sender,
    long gas,
    String function,
    Map<String, Object> fields) {}
