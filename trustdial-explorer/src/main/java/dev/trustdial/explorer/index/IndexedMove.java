package dev.trustdial.explorer.index;

import dev.trustdial.chain.ObjectiveMatchEvent;

/**
 * An objective match event of job {@code jobId}'s dispute, with its block's time; {@code seq}
 * orders it within its block.
 */
public record IndexedMove(long jobId, ObjectiveMatchEvent event, int seq, long time) {}
