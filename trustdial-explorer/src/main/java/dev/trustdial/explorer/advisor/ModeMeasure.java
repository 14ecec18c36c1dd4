package dev.trustdial.explorer.advisor;

import dev.trustdial.chain.TrustMode;
import java.math.BigInteger;
import java.util.Optional;

/**
 * What the jobs of one mode (or one app) measured: count, finalized count, mean fee and gas per
 * job, median seconds from submission to finality, mean steps (the re-execution cost in VM steps),
 * and disputes and takeovers seen.
 */
public record ModeMeasure(
    TrustMode mode,
    int jobs,
    int finalized,
    BigInteger meanFee,
    long meanGas,
    Optional<Long> medianSecondsToFinality,
    Optional<Long> meanSteps,
    int disputes,
    int takeovers) {}
