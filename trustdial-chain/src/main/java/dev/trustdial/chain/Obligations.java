package dev.trustdial.chain;

/**
 * An operator's obligations in StakeRegistry: {@code open} counts the open ones (jobs, results in
 * their window, disputes, unsettled votes), every one with a sequence number below {@code lowWater}
 * has ended, {@code next} is the next sequence number. A withdrawal queued at sequence s completes
 * only once {@code lowWater >= s}.
 */
public record Obligations(long open, long lowWater, long next) {}
