package dev.trustdial.explorer.index;

import java.util.List;

/**
 * What blocks [{@code fromBlock}, {@code toBlock}] hold; stored in one transaction with the cursor
 * moved to toBlock + 1.
 */
public record Batch(
    long fromBlock, long toBlock, List<IndexedEvent> events, List<IndexedMove> moves) {
  public Batch {
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new IllegalArgumentException(
          "batch blocks " + fromBlock + ".." + toBlock + " must be ordered");
    }
    events = List.copyOf(events);
    moves = List.copyOf(moves);
    for (IndexedEvent e : events) {
      long b = e.event().where().block();
      if (b < fromBlock || b > toBlock) {
        throw new IllegalArgumentException(
            "event in block " + b + " outside the batch " + fromBlock + ".." + toBlock);
      }
    }
  }
}
