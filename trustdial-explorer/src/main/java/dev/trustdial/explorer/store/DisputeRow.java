package dev.trustdial.explorer.store;

import java.util.Optional;

/**
 * A challenge of a job's result: its dispute in the intersubjective or the objective court, and the
 * verdict once resolved.
 */
public record DisputeRow(
    long jobId,
    long disputeId,
    boolean objective,
    String challenger,
    long openedBlock,
    Optional<String> verdict) {}
