package dev.trustdial.node.verify;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every staked verifier does with a job: re-execute it from the program and input on DA
 * (once; the commitment is cached) and vote that commitment in its dispute. Watchtowers and
 * operators (which also hold the VERIFIER role) share it.
 */
public final class Reexecutor {
  private static final Logger LOG = LoggerFactory.getLogger(Reexecutor.class);
  /** Disputes are rare and jobs finish: the cache only has to outlive one dispute. */
  private static final int MAX_CACHED = 10_000;

  private final Settlement chain;
  private final JobSource source;
  private final NodeMetrics metrics;
  private final InferenceJob.Models models;
  private final Map<BigInteger, ResultCommitment> cache = new ConcurrentHashMap<>();

  public Reexecutor(Settlement chain, JobSource source, InferenceJob.Models models, NodeMetrics metrics) {
    this.chain = chain;
    this.source = source;
    this.models = models;
    this.metrics = metrics;
    metrics.declareCounter("reexecutions_total", "jobs re-executed from DA");
    metrics.declareCounter("votes_total", "dispute votes cast");
  }

  /** The commitment an honest run of the job gives, computed from step 0 with what DA holds. */
  public ResultCommitment commitment(BigInteger jobId) {
    ResultCommitment cached = cache.get(jobId);
    if (cached != null) {
      return cached;
    }
    JobInfo job = chain.job(jobId);
    JobProgram program = source.fetch(job, chain.app(job.appId()));
    ResultCommitment ours = InferenceJob.isModel(program.elf())
        ? InferenceJob.run(models, program).commitment()
        : Execution.commitment(Execution.finish(Execution.start(program, Optional.empty()), job.maxSteps(), CheckpointSink.NONE));
    metrics.count("reexecutions_total", "jobs re-executed from DA");
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(jobId, ours);
    return ours;
  }

  /** Whether the job is a TEE app's: its result is attested, not re-executable, so nobody challenges or votes on it. */
  public boolean isTee(BigInteger jobId) {
    return chain.app(chain.job(jobId).appId()).mode() == TrustMode.TEE;
  }

  /** Votes our own re-execution in the dispute, unless we are one of its parties. */
  public void vote(SettlementEvent.DisputeOpened d) {
    BigInteger jobId = d.jobId();
    JobInfo job = chain.job(jobId);
    Address me = chain.account();
    if (job.resultOperator().equals(me) || job.challenger().equals(me)) {
      return;
    }
    ResultCommitment ours = commitment(jobId);
    try {
      chain.vote(jobId, ours.commitment());
      metrics.count("votes_total", "dispute votes cast");
      boolean forOperator = ours.commitment().equals(d.operatorCommitment());
      LOG.info("job {}: voted for the {}'s commitment", jobId,
          forOperator ? "operator" : ours.commitment().equals(d.challengerCommitment()) ? "challenger" : "neither side");
    } catch (ContractRevertException e) {
      LOG.info("job {}: vote refused: {}", jobId, e.errorName());
    }
  }
}
