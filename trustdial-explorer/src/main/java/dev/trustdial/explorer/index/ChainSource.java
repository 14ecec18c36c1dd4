package dev.trustdial.explorer.index;

import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TxFacts;
import java.math.BigInteger;
import java.util.List;

/**
 * What the indexer reads of a chain: the settlement events, block times, transactions and objective
 * match moves. {@link SettlementChainSource} reads a live chain; tests replay recorded logs.
 */
public interface ChainSource {
  /** The latest block number. */
  long head();

  /** Settlement events in blocks [from, to], in chain order. */
  List<SettlementEvent> events(long from, long to);

  /** Timestamp (seconds) of a block. */
  long blockTime(long block);

  TxFacts transaction(String txHash);

  /**
   * The objective court's events of match {@code disputeId} in blocks [from, to]; empty when the
   * deployment has no objective court.
   */
  List<ObjectiveMatchEvent> matchEvents(BigInteger disputeId, long from, long to);
}
