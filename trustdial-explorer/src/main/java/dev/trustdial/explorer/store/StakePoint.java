package dev.trustdial.explorer.store;

import java.math.BigInteger;

/** An operator's active stake right after one stake event. */
public record StakePoint(long block, long time, BigInteger active, String cause) {}
