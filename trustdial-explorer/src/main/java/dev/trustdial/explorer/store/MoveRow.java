package dev.trustdial.explorer.store;

import java.util.Map;

/** One stored event of an objective match (a bisection move, the step proof, the verdict). */
public record MoveRow(
    long disputeId,
    long block,
    int seq,
    String kind,
    long time,
    long gas,
    Map<String, Object> fields) {}
