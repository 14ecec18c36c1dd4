package dev.trustdial.node.watchtower;

import dev.trustdial.chain.DisputeInfo;
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
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.Registration;
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
 * A VERIFIER: re-executes every submitted result from DA and challenges a mismatch, votes its own
 * re-execution in every dispute it is not a party to, reports jobs past their heartbeat deadline,
 * and finalizes or resolves whatever is due. One thread does all of it, in chain order.
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
  /** Jobs whose next deadline we watch: ASSIGNED (heartbeat), SUBMITTED (challenge), DISPUTED (vote). */
  private final Set<BigInteger> open = ConcurrentHashMap.newKeySet();
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
    for (String c : new String[] {"mismatches_total", "challenges_total",
        "missed_reported_total", "finalized_total", "resolved_total", "tee_answers_invalid_total"}) {
      metrics.declareCounter(c, c.replace('_', ' '));
    }
  }

  public void ensureRegistered(BigInteger stakeWei, String endpoint) {
    Registration.ensure(chain, Set.of(Role.VERIFIER), stakeWei, endpoint);
  }

  public void start() {
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
            onEvent(e);
          }
          next = head + 1;
        }
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
        verifier.vote(d);
      }
      case SettlementEvent.JobFinalized f -> open.remove(f.jobId());
      case SettlementEvent.JobFailed f -> open.remove(f.jobId());
      default -> { }
    }
  }

  /** Re-executes a submitted result and challenges it if ours differs (and the window is open). */
  private void check(BigInteger jobId, ResultCommitment claimed) {
    if (verifier.isTee(jobId)) {
      // Not re-executable and not challengeable (JobManager refuses); what can be checked is the answer's own evidence.
      JobInfo job = chain.job(jobId);
      AppInfo app = chain.app(job.appId());
      TeeAnswerCheck.Verdict v = teeCheck.check(app, chain.teeSignerOf(app.appId()), da.get(job.outputBlobKey()), Instant.now());
      if (!v.valid()) {
        metrics.count("tee_answers_invalid_total", "tee answers invalid total");
      }
      verdicts.put(jobId.toString(), v.text());
      LOG.info("job {}: TEE result {}; attested by the app, not re-executable: {}", jobId, claimed.outputHash(), v.text());
      return;
    }
    ResultCommitment ours = verifier.commitment(jobId);
    boolean mismatch = !ours.commitment().equals(claimed.commitment());
    if (mismatch) {
      metrics.count("mismatches_total", "results whose re-execution differs");
    }
    verdicts.put(jobId.toString(), mismatch ? "MISMATCH" : "ok");
    LOG.info("job {}: re-executed, {} (claimed output {}, ours {})", jobId, mismatch ? "MISMATCH" : "matches", claimed.outputHash(), ours.outputHash());
    ResultCommitment challengeWith = ours;
    if (!mismatch && faults.falseChallenge()) {
      // A wrong claim of our own: flip the step count, the smallest well-formed difference.
      challengeWith = new ResultCommitment(ours.outputHash(), ours.finalStateHash(), ours.stepCount() + 1, ours.checkpointRoot());
      LOG.warn("job {}: challenging a CORRECT result (test-only fault)", jobId);
    } else if (!mismatch) {
      return;
    }
    try {
      chain.challenge(jobId, challengeWith);
      metrics.count("challenges_total", "challenges posted");
      LOG.info("job {}: challenged with commitment {}", jobId, challengeWith.commitment());
    } catch (ContractRevertException e) {
      // Another watchtower got there first (the job is already disputed) or the window closed.
      LOG.info("job {}: challenge refused: {}", jobId, e.errorName());
    }
  }

  /** Acts on every open job whose deadline has passed: report a miss, finalize, or resolve. */
  private void checkDeadlines() {
    long now = Math.max(chain.chainTime(), System.currentTimeMillis() / 1000);
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
          case DISPUTED -> {
            DisputeInfo d = chain.dispute(jobId);
            if (!d.resolved() && now > d.deadline()) {
              chain.resolve(jobId);
              metrics.count("resolved_total", "disputes resolved");
              LOG.info("job {}: dispute resolved", jobId);
            }
          }
          case FINALIZED, FAILED, NONE -> open.remove(jobId);
        }
      } catch (ContractRevertException e) {
        // The chain's clock is behind ours or someone acted first; the next round sees the new state.
        LOG.debug("job {}: {} refused: {}", jobId, job.status(), e.errorName());
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
