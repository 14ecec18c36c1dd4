package dev.trustdial.explorer;

import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementEvent.Where;
import dev.trustdial.chain.TxFacts;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.explorer.index.ChainSource;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A recorded event log replayed as a chain: transactions are added block by block, each with its
 * sender, gas and events (built through the same SettlementEvent types the chain reader decodes).
 */
public final class RecordedChain implements ChainSource {
  public static final long GENESIS_TIME = 1_700_000_000L;

  private final List<SettlementEvent> events = new ArrayList<>();
  private final Map<String, TxFacts> txs = new HashMap<>();
  private final List<ObjectiveMatchEvent> moves = new ArrayList<>();
  private final Map<Long, Integer> logIndex = new HashMap<>();
  private final Set<String> failOnce = new HashSet<>();
  private long head;
  private long maxBlock;
  private int txCounter;

  /**
   * Adds one transaction in {@code block} from {@code from} using {@code gas}; each builder gets
   * the event's Where.
   */
  @SafeVarargs
  public final String tx(
      long block,
      Address from,
      long gas,
      String function,
      Function<Where, SettlementEvent>... builders) {
    String hash = String.format("0x%064x", ++txCounter);
    txs.put(hash, new TxFacts(hash, from, block, gas, function));
    for (Function<Where, SettlementEvent> b : builders) {
      int li = logIndex.merge(block, 1, Integer::sum) - 1;
      events.add(b.apply(new Where(block, hash, li)));
    }
    maxBlock = Math.max(maxBlock, block);
    head = maxBlock;
    return hash;
  }

  public void move(ObjectiveMatchEvent e) {
    moves.add(e);
    maxBlock = Math.max(maxBlock, e.block());
    head = maxBlock;
  }

  /**
   * The chain reports {@code head} as its latest block (a chain that has not reached the end of the
   * log yet).
   */
  public void setHead(long head) {
    this.head = head;
  }

  public long lastBlock() {
    return maxBlock;
  }

  /** The next lookup of this transaction fails as if the RPC endpoint dropped. */
  public void failOnce(String txHash) {
    failOnce.add(txHash);
  }

  public List<SettlementEvent> all() {
    return List.copyOf(events);
  }

  @Override
  public long head() {
    return head;
  }

  @Override
  public List<SettlementEvent> events(long from, long to) {
    return events.stream()
        .filter(e -> e.where().block() >= from && e.where().block() <= to)
        .sorted(
            java.util.Comparator.comparingLong((SettlementEvent e) -> e.where().block())
                .thenComparingLong(e -> e.where().logIndex()))
        .toList();
  }

  @Override
  public long blockTime(long block) {
    return GENESIS_TIME + 2 * block;
  }

  @Override
  public TxFacts transaction(String txHash) {
    if (failOnce.remove(txHash)) {
      throw new ChainUnavailableException("connection reset reading " + txHash, null);
    }
    TxFacts t = txs.get(txHash);
    if (t == null) {
      throw new IllegalStateException("no recorded transaction " + txHash);
    }
    return t;
  }

  @Override
  public List<ObjectiveMatchEvent> matchEvents(BigInteger disputeId, long from, long to) {
    return moves.stream()
        .filter(m -> m.disputeId().equals(disputeId) && m.block() >= from && m.block() <= to)
        .toList();
  }
}
