package dev.trustdial.chain;

import java.util.List;
import java.util.function.Consumer;

/**
 * Follows the settlement contracts' events from a cursor: each {@link #poll} reads the blocks mined
 * since the last one, in bounded batches, and hands every event to a handler once, in chain order.
 * The one cursor loop of every follower (operator, watchtower, demo): a node persists its cursor
 * ({@link Cursor}) so a restart neither misses nor re-reads an assignment; others keep it in
 * memory.
 */
public final class EventFollower {
  /**
   * At most this many blocks are read per eth_getLogs call (RPC providers cap the range; so do we).
   */
  public static final long MAX_BLOCKS_PER_READ = 10_000;

  /** The next block to read. */
  public interface Cursor {
    long next();

    /** Called once every event before {@code next} has been handled. */
    void moveTo(long next);

    /** A cursor in memory, starting at {@code fromBlock}. */
    static Cursor inMemory(long fromBlock) {
      if (fromBlock < 0) {
        throw new IllegalArgumentException("a block number is at least 0, got " + fromBlock);
      }
      return new Cursor() {
        private long next = fromBlock;

        @Override
        public long next() {
          return next;
        }

        @Override
        public void moveTo(long n) {
          next = n;
        }
      };
    }
  }

  private final SettlementPort chain;
  private final Cursor cursor;

  public EventFollower(SettlementPort chain, Cursor cursor) {
    this.chain = chain;
    this.cursor = cursor;
  }

  /**
   * Reads from the cursor to the chain's head and hands each event to {@code handler}; returns the
   * head. The cursor moves past a block only once the handler has taken all of its events: a read
   * that throws leaves its batch to be read again by the next poll, and a handler that throws on an
   * event leaves the cursor at that event's block, so the next poll hands that block's events again
   * (handlers are idempotent) but not the blocks before it. Without that, a node whose RPC fails
   * now and then could hand the same long batch again round after round and never reach its end
   * (found by the simulator, seed 31: an operator that never saw its assignment was slashed).
   */
  public long poll(Consumer<SettlementEvent> handler) {
    long head = chain.blockNumber();
    long from = cursor.next();
    while (from <= head) {
      long to = Math.min(head, from + MAX_BLOCKS_PER_READ - 1);
      List<SettlementEvent> batch = chain.events(from, to);
      for (SettlementEvent e : batch) {
        try {
          handler.accept(e);
        } catch (RuntimeException failed) {
          long block = e.where().block();
          if (block > cursor.next()) {
            cursor.moveTo(block); // every event of the blocks before it was handled
          }
          throw failed;
        }
      }
      from = to + 1;
      cursor.moveTo(from);
    }
    return head;
  }

  /** The next block the follower reads. */
  public long next() {
    return cursor.next();
  }
}
