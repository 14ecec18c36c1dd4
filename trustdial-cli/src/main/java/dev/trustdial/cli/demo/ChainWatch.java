package dev.trustdial.cli.demo;

import dev.trustdial.chain.EventFollower;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows the settlement contracts' events from one block on, hands each new event to a listener
 * once (the demo narrates what the node processes do from these), and waits for an event.
 */
final class ChainWatch {
  private final EventFollower follower;
  private final Consumer<SettlementEvent> listener;
  private final List<SettlementEvent> seen = new ArrayList<>();

  ChainWatch(Settlement chain, long fromBlock, Consumer<SettlementEvent> listener) {
    this.follower = new EventFollower(chain, EventFollower.Cursor.inMemory(fromBlock));
    this.listener = listener;
  }

  /** Reads the blocks mined since the last call and passes each new event to the listener. */
  void poll() {
    follower.poll(e -> {
      seen.add(e);
      listener.accept(e);
    });
  }

  /** Every event seen so far, in chain order. */
  List<SettlementEvent> events() {
    return List.copyOf(seen);
  }

  /**
   * Polls until an event of {@code type} matching {@code match} has been seen; {@code tick} runs
   * after each poll.
   */
  <E extends SettlementEvent> E await(
      Class<E> type, Predicate<E> match, Duration timeout, Runnable tick, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (SettlementEvent e : seen) {
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "waited "
                + timeout.toSeconds()
                + " s for "
                + what
                + "; the node logs in the devnet directory say why");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, ex);
      }
      poll();
      tick.run();
    }
  }

  long count(Class<? extends SettlementEvent> type, Predicate<SettlementEvent> match) {
    return seen.stream().filter(type::isInstance).filter(match).count();
  }
}
