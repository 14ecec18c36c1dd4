package dev.trustdial.explorer.index;

import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TxFacts;

/** A settlement event with its block's time and its transaction's sender and gas. */
public record IndexedEvent(SettlementEvent event, long time, TxFacts tx) {
  public IndexedEvent {
    if (!tx.txHash().equalsIgnoreCase(event.where().txHash())) {
      throw new IllegalArgumentException(
          "transaction " + tx.txHash() + " is not the event's " + event.where().txHash());
    }
  }
}
