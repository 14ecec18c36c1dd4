package dev.trustdial.node.keeper;

import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.node.metrics.NodeMetrics;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns queued jobs (settlement protocol v2): a job waits for a seed block mined after its
 * submission, then anyone may call {@code JobManager.assign}. Operators and watchtowers all keep
 * jobs this way, so an assignment never waits for one party. Several keepers race for the same job;
 * the losers' calls are refused ({@code WrongStatus}) and changed nothing.
 */
public final class JobKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(JobKeeper.class);

  /** A node that starts late scans at most this many of the newest jobs for queued ones. */
  static final int MAX_SCAN = 512;

  private final SettlementPort chain;
  private final NodeMetrics metrics;

  /** Queued jobs we know of, by id, with their seed block. */
  private final Map<BigInteger, Long> queued = new ConcurrentHashMap<>();

  public JobKeeper(SettlementPort chain, NodeMetrics metrics) {
    this.chain = chain;
    this.metrics = metrics;
    metrics.declareCounter(
        "assignments_total", "queued jobs this node assigned (JobManager.assign)");
  }

  /**
   * Picks up the jobs queued before this node started following events (the newest {@value
   * #MAX_SCAN}).
   */
  public void scanQueued() {
    BigInteger count = chain.jobCount();
    BigInteger from = count.subtract(BigInteger.valueOf(MAX_SCAN - 1)).max(BigInteger.ONE);
    for (BigInteger id = from; id.compareTo(count) <= 0; id = id.add(BigInteger.ONE)) {
      JobInfo job = chain.job(id);
      if (job.status() == JobStatus.QUEUED) {
        queued.put(id, job.seedBlock());
      }
    }
    if (!queued.isEmpty()) {
      LOG.info("keeper: {} queued job(s) found at start: {}", queued.size(), queued.keySet());
    }
  }

  public void onEvent(SettlementEvent e) {
    switch (e) {
      case SettlementEvent.JobQueued q -> queued.put(q.jobId(), q.seedBlock());
      case SettlementEvent.JobAssigned a -> queued.remove(a.jobId());
      case SettlementEvent.JobFailed f -> queued.remove(f.jobId());
      default -> {}
    }
  }

  /** Assigns every known queued job whose seed block is below {@code head}. */
  public void assignDue(long head) {
    for (Map.Entry<BigInteger, Long> q : new java.util.TreeMap<>(queued).entrySet()) {
      if (head <= q.getValue()) {
        continue;
      }
      BigInteger jobId = q.getKey();
      try {
        chain.assign(jobId);
        metrics.count("assignments_total", "queued jobs this node assigned (JobManager.assign)");
        JobInfo job = chain.job(jobId);
        LOG.info(
            "keeper: job {} attempt {}: assign -> {}",
            jobId,
            job.attempt(),
            job.status() == JobStatus.ASSIGNED ? job.assignee() : job.status());
      } catch (ContractRevertException e) {
        // WrongStatus: another keeper assigned it first; SeedNotReady: our head ran ahead of the
        // node's.
        LOG.debug("keeper: job {}: assign refused: {}", jobId, e.errorName());
      } catch (ChainUnavailableException e) {
        // Raced with another keeper between simulation and mining, or the chain hiccupped: re-read
        // below.
        LOG.debug("keeper: job {}: assign failed: {}", jobId, e.getMessage());
      }
      try {
        JobInfo now = chain.job(jobId);
        if (now.status() != JobStatus.QUEUED) {
          queued.remove(jobId);
        } else {
          queued.put(jobId, now.seedBlock());
        }
      } catch (RuntimeException e) {
        LOG.debug("keeper: job {}: cannot re-read it: {}", jobId, e.toString());
      }
    }
  }

  /** The queued jobs this keeper watches (for /health). */
  public int queuedCount() {
    return queued.size();
  }
}
