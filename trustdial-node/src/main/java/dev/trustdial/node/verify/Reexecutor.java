package dev.trustdial.node.verify;

import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.VoteInfo;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.node.job.JobRejected;
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
 * What every staked verifier does with a job: re-execute it from the program and input on DA (once;
 * the commitment is cached), vote that commitment in each of its disputes it is not a party to, and
 * settle its own votes once a dispute is resolved (a vote is an obligation: the voter's stake
 * cannot leave until it is settled). Watchtowers and operators (which also hold the VERIFIER role)
 * share it.
 */
public final class Reexecutor {
  private static final Logger LOG = LoggerFactory.getLogger(Reexecutor.class);

  /** Disputes are rare and jobs finish: the cache only has to outlive one dispute. */
  private static final int MAX_CACHED = 10_000;

  private final SettlementPort chain;
  private final JobSource source;
  private final NodeMetrics metrics;
  private final InferenceJob.Models models;
  private final Map<BigInteger, JobOutcome> cache = new ConcurrentHashMap<>();

  public Reexecutor(
      SettlementPort chain, JobSource source, InferenceJob.Models models, NodeMetrics metrics) {
    this.chain = chain;
    this.source = source;
    this.models = models;
    this.metrics = metrics;
    metrics.declareCounter("reexecutions_total", "jobs re-executed from DA");
    metrics.declareCounter("votes_total", "dispute votes cast");
    metrics.declareCounter(
        "votes_settled_total", "own votes settled after their dispute was resolved");
  }

  /** The commitment an honest run of the job gives, computed from step 0 with what DA holds. */
  public ResultCommitment commitment(BigInteger jobId) {
    return outcome(jobId).commitment();
  }

  /**
   * The outcome an honest run of the job gives from step 0 with what DA holds: its exit, a guest
   * fault, the step limit, or its rejection (docs/spec/job-input.md). DA trouble throws, as today.
   */
  public JobOutcome outcome(BigInteger jobId) {
    JobOutcome cached = cache.get(jobId);
    if (cached != null) {
      return cached;
    }
    JobInfo job = chain.job(jobId);
    JobOutcome ours;
    try {
      JobProgram program = source.fetch(job, chain.pin(jobId));
      ours =
          InferenceJob.isModel(program.elf())
              ? InferenceJob.run(models, program).completed()
              : Execution.outcome(
                  Execution.start(program, Optional.empty()), job.maxSteps(), CheckpointSink.NONE);
    } catch (JobRejected e) {
      LOG.info("job {}: re-execution rejects it: {}", jobId, e.getMessage());
      ours = new JobOutcome.Rejected(e.reason());
    }
    metrics.count("reexecutions_total", "jobs re-executed from DA");
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(jobId, ours);
    return ours;
  }

  /**
   * Whether the job is a TEE app's: its result is attested, not re-executable, so nobody challenges
   * or votes on it.
   */
  public boolean isTee(BigInteger jobId) {
    return chain.pin(jobId).mode() == TrustMode.TEE;
  }

  /**
   * Votes our own re-execution in the dispute, unless we are one of its parties or voted already.
   */
  public void vote(SettlementEvent.DisputeOpened opened) {
    BigInteger disputeId = opened.disputeId();
    Address me = chain.account();
    DisputeInfo d = chain.dispute(disputeId);
    if (d.isParty(me) || d.resolved() || chain.voteOf(disputeId, me).cast()) {
      return;
    }
    ResultCommitment ours = commitment(opened.jobId());
    try {
      chain.vote(disputeId, ours.commitment());
      metrics.count("votes_total", "dispute votes cast");
      LOG.info(
          "job {} dispute {}: voted for the {}'s commitment",
          opened.jobId(),
          disputeId,
          ours.commitment().equals(d.operatorCommitment())
              ? "operator"
              : ours.commitment().equals(d.challengerCommitment())
                  ? "challenger"
                  : "neither side (a third commitment)");
    } catch (ContractRevertException e) {
      // Voting closed, or our stake does not qualify at the dispute's snapshot.
      LOG.info("job {} dispute {}: vote refused: {}", opened.jobId(), disputeId, e.errorName());
    }
  }

  /**
   * After a dispute's resolution: settles our vote in it, if we cast one and it is not settled yet.
   */
  public void settle(SettlementEvent.DisputeSettled settled) {
    Address me = chain.account();
    VoteInfo v = chain.voteOf(settled.disputeId(), me);
    if (!v.cast() || v.settled()) {
      return;
    }
    try {
      chain.settleVote(settled.disputeId(), me);
      metrics.count("votes_settled_total", "own votes settled after their dispute was resolved");
      LOG.info(
          "job {} dispute {}: our vote settled ({}{})",
          settled.jobId(),
          settled.disputeId(),
          settled.verdict(),
          settled.moot() ? ", moot" : "");
    } catch (ContractRevertException e) {
      // Someone settled it for us (anyone may).
      LOG.debug("dispute {}: settleVote refused: {}", settled.disputeId(), e.errorName());
    }
  }
}
