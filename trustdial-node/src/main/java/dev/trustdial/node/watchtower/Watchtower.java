package dev.trustdial.node.watchtower;

import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.EventReader;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.Registration;
import dev.trustdial.node.keeper.JobKeeper;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.node.verify.Reexecutor;
import dev.trustdial.node.verify.TeeAnswerCheck;
import dev.trustdial.chain.AppInfo;
import java.time.Instant;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VERIFIER: re-executes every submitted result from DA and challenges a mismatch (its own dispute;
 * other challengers have theirs), votes its own re-execution in every dispute it is not a party to
 * and settles its votes once they are resolved, reports jobs past their heartbeat deadline, assigns
 * queued jobs once their seed block is mined, finalizes results whose window passed with no dispute
 * open, and resolves disputes past their voting period. One thread does all of it, in chain order.
 */
public final class Watchtower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchtower.class);

  /** Test-only fault: challenge correct results too. Refused on any chain but the devnet's. */
  public record Faults(boolean falseChallenge) {
    public static final Faults NONE = new Faults(false);

    /** Refuses any fault on a chain other than the devnet's. */
    public void requireAllowedOn(long chainId) {
      if (falseChallenge && chainId != Anvil.DEVNET_CHAIN_ID) {
        throw new InvalidInputException("--false-challenge is a test-only fault and is refused on chain " + chainId
            + " (only the devnet chain " + Anvil.DEVNET_CHAIN_ID + " allows it)");
      }
    }
  }

  private final Settlement chain;
  private final DataAvailability da;
  private final TeeAnswerCheck teeCheck;
  private final Reexecutor verifier;
  private final NodeMetrics metrics;
  private final Duration pollInterval;
  private final Faults faults;
  /** Jobs whose next deadline we watch: ASSIGNED (heartbeat), SUBMITTED (challenge window), DISPUTED. */
  private final Set<BigInteger> open = ConcurrentHashMap.newKeySet();
  /** Unresolved disputes by id, with their voting deadline. */
  private final Map<BigInteger, Long> disputes = new ConcurrentHashMap<>();
  /** The votes cast in unresolved disputes (voter -> commitment), so minority votes can be settled (penalised). */
  private final Map<BigInteger, Map<Address, Bytes32>> votesCast = new ConcurrentHashMap<>();
  private final JobKeeper keeper;
  private final Map<String, String> verdicts = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile long lastPollMillis;
  private Thread thread;

  /** @param teeCheck how TEE answers are checked (which simulation roots, if any, it accepts) */
  public Watchtower(Settlement chain, DataAvailability da, InferenceJob.Models models, NodeMetrics metrics, Duration pollInterval, Faults faults,
      TeeAnswerCheck teeCheck) {
    faults.requireAllowedOn(chain.deployment().chainId());
    this.chain = chain;
    this.da = da;
    this.teeCheck = teeCheck;
    this.verifier = new Reexecutor(chain, new JobSource(da), models, metrics);
    this.metrics = metrics;
    this.pollInterval = pollInterval;
    this.faults = faults;
    this.keeper = new JobKeeper(chain, metrics);
    for (String c : new String[] {"mismatches_total", "challenges_total",
        "missed_reported_total", "finalized_total", "resolved_total", "tee_answers_invalid_total", "minority_votes_settled_total"}) {
      metrics.declareCounter(c, c.replace('_', ' '));
    }
  }

  public void ensureRegistered(BigInteger stakeWei, String endpoint) {
    Registration.ensure(chain, Set.of(Role.VERIFIER), stakeWei, endpoint);
  }

  public void start() {
    try {
      keeper.scanQueued();
    } catch (RuntimeException e) {
      LOG.warn("keeper: cannot scan for queued jobs at start: {}", e.toString());
    }
    thread = Thread.ofPlatform().name("watchtower").daemon().start(this::loop);
  }

  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("role", "watchtower");
    h.put("account", chain.account().toString());
    h.put("status", running && thread.isAlive() ? "ok" : "stopped");
    h.put("lastPollMillis", lastPollMillis);
    h.put("verdicts", Map.copyOf(verdicts));
    return h;
  }

  private void loop() {
    EventReader reader = chain.events();
    long next = 0;
    while (running) {
      try {
        long head = chain.blockNumber();
        if (head >= next) {
          for (SettlementEvent e : reader.read(next, head)) {
            keeper.onEvent(e);
            onEvent(e);
          }
          next = head + 1;
        }
        keeper.assignDue(head);
        checkDeadlines();
        lastPollMillis = System.currentTimeMillis();
      } catch (RuntimeException e) {
        LOG.warn("watchtower round failed: {}", e.toString());
      }
      try {
        Thread.sleep(pollInterval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void onEvent(SettlementEvent e) {
    switch (e) {
      case SettlementEvent.JobAssigned a -> open.add(a.jobId());
      case SettlementEvent.ResultSubmitted r -> {
        open.add(r.jobId());
        check(r.jobId(), r.result());
      }
      case SettlementEvent.DisputeOpened d -> {
        open.add(d.jobId());
        disputes.put(d.disputeId(), d.deadline());
        verifier.vote(d);
      }
      case SettlementEvent.Voted v -> {
        if (disputes.containsKey(v.disputeId())) {
          votesCast.computeIfAbsent(v.disputeId(), k -> new ConcurrentHashMap<>()).put(v.voter(), v.commitment());
        }
      }
      case SettlementEvent.DisputeSettled d -> {
        disputes.remove(d.disputeId());
        verifier.settle(d);
        settleMinorityVotes(d, votesCast.getOrDefault(d.disputeId(), Map.of()));
        votesCast.remove(d.disputeId());
      }
      case SettlementEvent.JobFinalized f -> open.remove(f.jobId());
      case SettlementEvent.JobFailed f -> {
        open.remove(f.jobId());
        LOG.info("job {} failed onchain: {}", f.jobId(), f.reason());
      }
      default -> { }
    }
  }

  /**
   * A vote against the decided majority is penalised only when someone settles it (settlement.md §5),
   * and its voter has no reason to: the watchtower settles every such vote of a decided dispute, so the
   * Schelling penalty bites and the voter's obligation ends. Majority voters settle their own (they are paid).
   */
  private void settleMinorityVotes(SettlementEvent.DisputeSettled settled, Map<Address, Bytes32> votes) {
    if (!settled.verdict().decided() || settled.moot() || votes.isEmpty()) {
      return;
    }
    Bytes32 majority = chain.dispute(settled.disputeId()).leading();
    for (Map.Entry<Address, Bytes32> v : votes.entrySet()) {
      if (v.getValue().equals(majority) || v.getKey().equals(chain.account())) {
        continue;
      }
      try {
        chain.settleVote(settled.disputeId(), v.getKey());
        metrics.count("minority_votes_settled_total", "votes against a dispute's majority settled (their voters penalised)");
        LOG.info("dispute {}: settled {}'s vote against the majority (penalised)", settled.disputeId(), v.getKey());
      } catch (ContractRevertException e) {
        // Settled already (by the voter or another watchtower).
        LOG.debug("dispute {}: settleVote for {} refused: {}", settled.disputeId(), v.getKey(), e.errorName());
      }
    }
  }

  /** Re-executes a submitted result and challenges it if ours differs (and the window is open). */
  private void check(BigInteger jobId, ResultCommitment claimed) {
    JobPin pin = chain.pin(jobId);
    if (pin.mode() == dev.trustdial.chain.TrustMode.TEE) {
      // Not re-executable and not challengeable (JobManager refuses); what can be checked is the answer's own evidence.
      JobInfo job = chain.job(jobId);
      AppInfo current = chain.app(job.appId());
      AppInfo app = new AppInfo(current.appId(), current.owner(), pin.mode(), pin.programDigest(), current.policy(), pin.appVersion());
      TeeAnswerCheck.Verdict v = teeCheck.check(app, pin.teeSigner(), da.get(job.outputBlobKey()), Instant.now());
      if (!v.valid()) {
        metrics.count("tee_answers_invalid_total", "tee answers invalid total");
      }
      verdicts.put(jobId.toString(), v.text());
      LOG.info("job {}: TEE result {}; attested by the app, not re-executable: {}", jobId, claimed.outputHash(), v.text());
      return;
    }
    if (pin.mode() == dev.trustdial.chain.TrustMode.ZK) {
      // Finalized in the transaction that posted it: its proof was verified onchain, nothing is left to check.
      verdicts.put(jobId.toString(), "proven onchain (ZK)");
      LOG.info("job {}: ZK result {} finalized by its proof; nothing to re-execute", jobId, claimed.outputHash());
      return;
    }
    JobOutcome outcome = verifier.outcome(jobId);
    ResultCommitment ours = outcome.commitment();
    boolean mismatch = !ours.commitment().equals(claimed.commitment());
    if (mismatch) {
      metrics.count("mismatches_total", "results whose re-execution differs");
    }
    verdicts.put(jobId.toString(), mismatch ? "MISMATCH" : "ok");
    LOG.info("job {}: re-executed ({}), {} (claimed output {}, ours {})", jobId, outcome.summary(), mismatch ? "MISMATCH" : "matches",
        claimed.outputHash(), ours.outputHash());
    ResultCommitment challengeWith = ours;
    if (!mismatch && faults.falseChallenge()) {
      // A wrong claim of our own: flip the step count, the smallest well-formed difference.
      challengeWith = new ResultCommitment(ours.outputHash(), ours.finalStateHash(), ours.stepCount() + 1, ours.checkpointRoot());
      LOG.warn("job {}: challenging a CORRECT result (test-only fault)", jobId);
    } else if (!mismatch) {
      return;
    }
    if (chain.hasChallenged(jobId, chain.account())) {
      // Once per attempt (a restart re-reads the events): our dispute of this result is open or decided already.
      LOG.info("job {}: we challenged it already", jobId);
      return;
    }
    try {
      BigInteger disputeId = chain.challenge(jobId, challengeWith).id();
      metrics.count("challenges_total", "challenges posted");
      LOG.info("job {}: challenged with commitment {} (dispute {})", jobId, challengeWith.commitment(), disputeId);
    } catch (ContractRevertException e) {
      // The window closed, or another dispute already overturned the result.
      LOG.info("job {}: challenge refused: {}", jobId, e.errorName());
    }
  }

  /**
   * Acts on every open job and dispute whose deadline has passed: report a miss, finalize a result
   * with no dispute open (status SUBMITTED), resolve a dispute after its voting period.
   */
  private void checkDeadlines() {
    long now = chain.chainTime();
    for (BigInteger jobId : Set.copyOf(open)) {
      JobInfo job = chain.job(jobId);
      try {
        switch (job.status()) {
          case ASSIGNED -> {
            if (now > job.deadline()) {
              chain.reportMissed(jobId);
              metrics.count("missed_reported_total", "missed heartbeats reported");
              LOG.info("job {}: reported {} for a missed deadline", jobId, job.assignee());
            }
          }
          case SUBMITTED -> {
            if (now > job.challengeDeadline()) {
              chain.finalizeJob(jobId);
              metrics.count("finalized_total", "jobs finalized");
              open.remove(jobId);
            }
          }
          // Queued jobs are the keeper's; a disputed job waits for its disputes (below).
          case QUEUED, DISPUTED -> { }
          case FINALIZED, FAILED, NONE -> open.remove(jobId);
        }
      } catch (ContractRevertException e) {
        // The chain's clock moved less than ours or someone acted first; the next round sees the new state.
        LOG.debug("job {}: {} refused: {}", jobId, job.status(), e.errorName());
      }
    }
    for (Map.Entry<BigInteger, Long> d : Map.copyOf(disputes).entrySet()) {
      if (now <= d.getValue()) {
        continue;
      }
      BigInteger disputeId = d.getKey();
      try {
        DisputeInfo info = chain.dispute(disputeId);
        if (info.resolved()) {
          disputes.remove(disputeId);
          continue;
        }
        chain.resolve(disputeId);
        metrics.count("resolved_total", "disputes resolved");
        DisputeInfo after = chain.dispute(disputeId);
        LOG.info("job {} dispute {}: resolved: {}{}", after.jobId(), disputeId, after.verdict(), after.moot() ? " (moot)" : "");
      } catch (ContractRevertException e) {
        LOG.debug("dispute {}: resolve refused: {}", disputeId, e.errorName());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
