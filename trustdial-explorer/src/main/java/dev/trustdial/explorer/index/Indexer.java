package dev.trustdial.explorer.index;

import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TxFacts;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.store.DisputeRow;
import dev.trustdial.explorer.store.ExplorerStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the chain into the store: reads blocks [cursor, head] in batches of at most {@code
 * maxBlocksPerBatch}, attaches each event's block time and transaction facts, follows the matches
 * of open objective disputes, and stores each batch with its cursor in one transaction.
 */
public final class Indexer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
  public static final int MAX_BLOCKS_PER_BATCH = 10_000;

  private final ChainSource chain;
  private final ExplorerStore store;
  private final ExplorerMetrics metrics;
  private final int maxBlocksPerBatch;
  private ScheduledExecutorService follower;

  public Indexer(
      ChainSource chain, ExplorerStore store, ExplorerMetrics metrics, int maxBlocksPerBatch) {
    if (maxBlocksPerBatch < 1 || maxBlocksPerBatch > MAX_BLOCKS_PER_BATCH) {
      throw new IllegalArgumentException(
          "blocks per batch must be within 1.."
              + MAX_BLOCKS_PER_BATCH
              + ", got "
              + maxBlocksPerBatch);
    }
    this.chain = chain;
    this.store = store;
    this.metrics = metrics;
    this.maxBlocksPerBatch = maxBlocksPerBatch;
  }

  /** Indexes every block up to the chain's head now; returns the number of events stored. */
  public synchronized int catchUp() {
    long head = chain.head();
    metrics.head.set(head);
    int stored = 0;
    while (store.nextBlock() <= head) {
      stored +=
          indexBatch(store.nextBlock(), Math.min(head, store.nextBlock() + maxBlocksPerBatch - 1));
    }
    metrics.nextBlock.set(store.nextBlock());
    return stored;
  }

  private int indexBatch(long from, long to) {
    long t0 = System.nanoTime();
    List<SettlementEvent> events = chain.events(from, to);
    Map<Long, Long> times = new HashMap<>();
    Map<String, TxFacts> txs = new HashMap<>();
    List<IndexedEvent> indexed = new ArrayList<>(events.size());
    for (SettlementEvent e : events) {
      long time = times.computeIfAbsent(e.where().block(), chain::blockTime);
      TxFacts tx = txs.computeIfAbsent(e.where().txHash(), chain::transaction);
      indexed.add(new IndexedEvent(e, time, tx));
    }
    // Objective disputes opened before this batch, and those it opens, may have moves in it.
    List<long[]> open = new ArrayList<>();
    for (DisputeRow d : store.openObjectiveDisputes()) {
      open.add(new long[] {d.disputeId(), d.jobId()});
    }
    Map<BigInteger, dev.trustdial.chain.TrustMode> modeOfApp = new HashMap<>();
    Map<BigInteger, BigInteger> appOfJob = new HashMap<>();
    for (SettlementEvent e : events) {
      switch (e) {
        case SettlementEvent.AppCreated a -> modeOfApp.put(a.appId(), a.mode());
        case SettlementEvent.JobSubmitted j -> appOfJob.put(j.jobId(), j.appId());
        case SettlementEvent.JobChallenged c -> {
          BigInteger app = appOfJob.get(c.jobId());
          boolean objective =
              app != null
                  ? modeOfApp.getOrDefault(app, store.appMode(app.longValueExact()).orElse(null))
                      == dev.trustdial.chain.TrustMode.REEXEC_OBJECTIVE
                  : store
                      .jobMode(c.jobId().longValueExact())
                      .filter(m -> m == dev.trustdial.chain.TrustMode.REEXEC_OBJECTIVE)
                      .isPresent();
          if (objective) {
            open.add(new long[] {c.disputeId().longValueExact(), c.jobId().longValueExact()});
          }
        }
        default -> {}
      }
    }
    List<IndexedMove> moves = new ArrayList<>();
    for (long[] d : open) {
      Map<Long, Integer> seqInBlock = new HashMap<>();
      for (ObjectiveMatchEvent m : chain.matchEvents(BigInteger.valueOf(d[0]), from, to)) {
        int seq = seqInBlock.merge(m.block(), 1, Integer::sum) - 1;
        moves.add(
            new IndexedMove(d[1], m, seq, times.computeIfAbsent(m.block(), chain::blockTime)));
      }
    }
    store.apply(new Batch(from, to, indexed, moves));
    for (SettlementEvent e : events) {
      metrics.events.labelValues(e.getClass().getSimpleName()).inc();
    }
    metrics.moves.inc(moves.size());
    metrics.batchSeconds.observe((System.nanoTime() - t0) / 1e9);
    return events.size();
  }

  /**
   * Catches up now and then every {@code intervalMillis} on a daemon thread; a failed round is
   * logged and retried.
   */
  public synchronized void follow(long intervalMillis) {
    if (follower != null) {
      throw new IllegalStateException("already following");
    }
    follower =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "explorer-indexer");
          t.setDaemon(true);
          return t;
        });
    follower.scheduleWithFixedDelay(
        () -> {
          try {
            catchUp();
          } catch (RuntimeException e) {
            metrics.errors.inc();
            LOG.warn("indexing failed, retrying: {}", e.getMessage());
          }
        },
        0,
        intervalMillis,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ScheduledExecutorService f;
    synchronized (this) {
      f = follower;
    }
    if (f != null) {
      f.shutdownNow();
      try {
        f.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
