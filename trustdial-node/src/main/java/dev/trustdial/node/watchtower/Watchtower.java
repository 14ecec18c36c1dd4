package dev.trustdial.node.watchtower;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.EventFollower;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.Registration;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.keeper.JobKeeper;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.node.objective.CourtAccess;
import dev.trustdial.node.objective.GamePlayer;
import dev.trustdial.node.objective.MatchJournal;
import dev.trustdial.node.objective.MatchKeeper;
import dev.trustdial.node.objective.MatchRecord;
import dev.trustdial.node.objective.ObjectiveJob;
import dev.trustdial.node.objective.TraceBuilds;
import dev.trustdial.node.time.Scheduler;
import dev.trustdial.node.verify.Reexecutor;
import dev.trustdial.node.verify.TeeAnswerCheck;
import dev.trustdial.vm.trace.StrideTrace;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VERIFIER: re-executes every submitted result from DA and challenges a mismatch (its own
 * dispute; other challengers have theirs), votes its own re-execution in every dispute it is not a
 * party to and settles its votes once they are resolved, reports jobs past their heartbeat
 * deadline, assigns queued jobs once their seed block is mined, finalizes results whose window
 * passed with no dispute open, and resolves disputes past their voting period. One thread does all
 * of it, in chain order, except building the stride traces of REEXEC_OBJECTIVE results: a trace
 * worker builds them (one at a time) while the loop goes on serving other jobs and other matches'
 * clocks, and the loop picks each finished trace up. Its ObjectiveCourt matches are journaled
 * ({@link MatchJournal}) and re-attached after a restart.
 */
public final class Watchtower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchtower.class);

  /** The failure counter: {@code trustdial_watchtower_failures_total{kind="..."}}. */
  private static final String FAILURES = "failures_total";

  private static final String FAILURES_HELP =
      "work items that failed (each is retried with backoff), by kind; poll: reading the chain, assign_queued: the keeper";
  private static final String POLL = "poll";
  private static final String ASSIGN = "assign_queued";

  /** Test-only fault: challenge correct results too. Refused on any chain but the devnet's. */
  public record Faults(boolean falseChallenge) {
    public static final Faults NONE = new Faults(false);

    /** Refuses any fault on a chain other than the devnet's. */
    public void requireAllowedOn(long chainId) {
      if (falseChallenge && chainId != Anvil.DEVNET_CHAIN_ID) {
        throw new InvalidInputException(
            "--false-challenge is a test-only fault and is refused on chain "
                + chainId
                + " (only the devnet chain "
                + Anvil.DEVNET_CHAIN_ID
                + " allows it)");
      }
    }
  }

  private final SettlementPort chain;
  private final DataAvailability da;
  private final TeeAnswerCheck teeCheck;
  private final Reexecutor verifier;
  private final NodeMetrics metrics;
  private final Duration pollInterval;
  private final Faults faults;
  private final JobKeeper keeper;

  /**
   * Work items that threw, each retried on its own schedule (one job's trouble holds up no other
   * job).
   */
  private final FailedWork failedWork;

  /** The jobs and disputes watched, and what is done about each, isolated per item. */
  private final JobWatch watch;

  private final Map<String, String> verdicts = new ConcurrentHashMap<>();

  /** The last objective challenge posted, as /health shows it (empty until one is). */
  private volatile Map<String, Object> lastChallenge = Map.of();

  private final ObjectiveJob objective;

  /**
   * Our ObjectiveCourt matches (we challenged an objective result), journaled, polled every round
   * until over.
   */
  private final MatchKeeper matches;

  /** Moves we made per match (for the log). */
  private final Map<BigInteger, java.util.concurrent.atomic.AtomicInteger> moves =
      new ConcurrentHashMap<>();

  /**
   * Builds stride traces (re-executions of objective results, rebuilds of re-attached matches), off
   * the loop's thread.
   */
  private final Scheduler.Workers traceWorker;

  private final Scheduler scheduler;

  /**
   * Follows the settlement events from block 0 (a restarted watchtower reads the whole log again:
   * its duties are idempotent).
   */
  private final EventFollower follower;

  /** Re-executions of objective results in progress on the trace worker, by job id. */
  private final TraceBuilds<BigInteger> checks;

  /** What each check in progress compares against. */
  private final Map<BigInteger, ObjectiveCheck> checking = new ConcurrentHashMap<>();

  private volatile boolean running = true;
  private volatile long lastPollMillis;

  /** The last poll's error while polling the chain fails (null once a poll succeeds). */
  private volatile String pollError;

  private int pollFailures;
  private int assignFailures;
  private Scheduler.Loop thread;

  /**
   * An objective result being re-executed: the attempt it was submitted in and its claimed
   * commitment.
   */
  private record ObjectiveCheck(long attempt, ResultCommitment claimed) {}

  private record Sent(long attempt, StrideTrace trace) {}

  /**
   * The trace of each objective challenge we sent, by job id, until its match is attached: a
   * challenge mined whose reply was lost (the retry then finds it challenged already) is adopted
   * from its JobChallenged event ({@link #adoptOwnChallenge}).
   */
  private final Map<BigInteger, Sent> sending = new ConcurrentHashMap<>();

  /**
   * At most this many objective results wait for their re-execution at once; more are retried with
   * backoff.
   */
  private static final int MAX_PENDING_CHECKS = 64;

  private static final String GAME_MOVES = "game_moves_total";
  private static final String GAME_MOVES_HELP = "ObjectiveCourt moves sent in our matches, by kind";

  /**
   * @param teeCheck how TEE answers are checked (which simulation roots, if any, it accepts)
   */
  public Watchtower(
      Settlement chain,
      DataAvailability da,
      MatchJournal matchJournal,
      InferenceJob.Models models,
      NodeMetrics metrics,
      Duration pollInterval,
      Faults faults,
      TeeAnswerCheck teeCheck) {
    this(
        chain,
        CourtAccess.onChain(chain),
        Scheduler.system(),
        da,
        matchJournal,
        models,
        metrics,
        pollInterval,
        faults,
        teeCheck);
  }

  /**
   * @param court the objective apps, court and game board of REEXEC_OBJECTIVE results (beside the
   *     settlement port)
   * @param scheduler the clock, loop and workers everything runs on
   */
  public Watchtower(
      SettlementPort chain,
      CourtAccess court,
      Scheduler scheduler,
      DataAvailability da,
      MatchJournal matchJournal,
      InferenceJob.Models models,
      NodeMetrics metrics,
      Duration pollInterval,
      Faults faults,
      TeeAnswerCheck teeCheck) {
    faults.requireAllowedOn(chain.chainId());
    this.chain = chain;
    this.da = da;
    this.teeCheck = teeCheck;
    this.verifier = new Reexecutor(chain, new JobSource(da), models, metrics);
    this.metrics = metrics;
    this.pollInterval = pollInterval;
    this.faults = faults;
    this.keeper = new JobKeeper(chain, metrics);
    this.objective = new ObjectiveJob(chain, court.reads(), new JobSource(da));
    this.scheduler = scheduler;
    this.follower = new EventFollower(chain, EventFollower.Cursor.inMemory(0));
    this.traceWorker = scheduler.workers("watchtower-traces", 1);
    this.checks = new TraceBuilds<>(traceWorker, MAX_PENDING_CHECKS);
    this.matches =
        new MatchKeeper(
            court.board(),
            matchJournal,
            new TraceBuilds<>(traceWorker, MAX_PENDING_CHECKS),
            objective::rebuild,
            GamePlayer.Behaviour.PLAY,
            scheduler);
    for (GamePlayer.MoveKind k : GamePlayer.MoveKind.values()) {
      metrics.declareCounter(
          GAME_MOVES, GAME_MOVES_HELP, "move", k.name().toLowerCase(java.util.Locale.ROOT));
    }
    metrics.declareCounter(
        "matches_won_total", "ObjectiveCourt matches of ours that refuted the result");
    metrics.declareCounter(
        "matches_lost_total", "ObjectiveCourt matches of ours that the result survived");
    for (String c :
        new String[] {
          "mismatches_total",
          "challenges_total",
          "missed_reported_total",
          "finalized_total",
          "resolved_total",
          "tee_answers_invalid_total",
          "minority_votes_settled_total"
        }) {
      metrics.declareCounter(c, c.replace('_', ' '));
    }
    for (FailedWork.Kind k : FailedWork.Kind.values()) {
      metrics.declareCounter(FAILURES, FAILURES_HELP, "kind", k.label());
    }
    metrics.declareCounter(FAILURES, FAILURES_HELP, "kind", POLL);
    metrics.declareCounter(FAILURES, FAILURES_HELP, "kind", ASSIGN);
    this.failedWork =
        FailedWork.standard(
            scheduler, k -> metrics.count(FAILURES, FAILURES_HELP, "kind", k.label()));
    this.watch = new JobWatch(new ChainDuties(), failedWork, chain.account());
  }

  public void ensureRegistered(BigInteger stakeWei, String endpoint) {
    Registration.ensure(chain, Set.of(Role.VERIFIER), stakeWei, endpoint);
  }

  public void start() {
    int resumed = matches.resumeAll();
    if (resumed > 0) {
      LOG.info("re-attaching {} ObjectiveCourt match(es) from the match journal", resumed);
    }
    try {
      keeper.scanQueued();
    } catch (RuntimeException e) {
      LOG.warn("keeper: cannot scan for queued jobs at start: {}", e.toString());
    }
    thread = scheduler.every("watchtower", pollInterval, this::round);
  }

  /**
   * {@code status} is {@code ok}, {@code degraded} while a work item fails or the chain cannot be
   * polled ({@code reasons} says which: per kind, the count of failing items and the latest error),
   * or {@code stopped}.
   */
  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("role", "watchtower");
    h.put("account", chain.account().toString());
    putStatus(h, running && thread.alive(), pollError, failedWork);
    h.put("lastPollMillis", lastPollMillis);
    h.put("verdicts", Map.copyOf(verdicts));
    if (!lastChallenge.isEmpty()) {
      h.put("lastChallenge", lastChallenge);
    }
    h.put("matchesPlaying", matches.attached().size());
    h.put("tracesBuilding", checks.size() + matches.rebuilding());
    return h;
  }

  /**
   * Puts {@code status} ({@code stopped}, {@code degraded} with its {@code reasons}, or {@code ok})
   * and {@code failingItems} into a health map.
   *
   * @param pollError the last round's error while reading the chain fails, else null
   */
  static void putStatus(Map<String, Object> h, boolean alive, String pollError, FailedWork failed) {
    List<String> reasons = new ArrayList<>();
    if (pollError != null) {
      reasons.add("chain poll failing: " + pollError);
    }
    int failing = failed.size();
    if (failing > 0) {
      reasons.add(failing + " work item(s) failing, each retried with backoff");
      reasons.addAll(failed.reasons());
    }
    h.put("status", !alive ? "stopped" : reasons.isEmpty() ? "ok" : "degraded");
    if (!reasons.isEmpty()) {
      h.put("reasons", reasons);
    }
    h.put("failingItems", failing);
  }

  /**
   * One round: new events handled, finished re-executions collected, queued jobs assigned,
   * deadlines and matches served.
   */
  private void round() {
    try {
      // Neither handler throws for one job's work (a failure is recorded and retried on its own
      // schedule), so the cursor moves past every event read.
      long head =
          follower.poll(e -> {
            keeper.onEvent(e);
            watch.onEvent(e);
            adoptOwnChallenge(e);
          });
      // A finished re-execution challenges before anything else this round: the challenge window is
      // the tightest deadline.
      collectChecks();
      try {
        keeper.assignDue(head);
        assignFailures = 0;
      } catch (RuntimeException e) {
        // The keeper's trouble holds up no deadline, finalization or dispute below.
        metrics.count(FAILURES, FAILURES_HELP, "kind", ASSIGN);
        assignFailures++;
        if (Integer.bitCount(assignFailures) == 1) {
          LOG.warn(
              "keeper: assigning queued jobs failed ({} in a row; logged at 1, 2, 4, 8, ...): {}",
              assignFailures,
              e.toString());
        }
      }
      watch.round(chain.chainTime());
      playMatches();
      lastPollMillis = scheduler.millis();
      if (pollError != null) {
        LOG.info(
            "watchtower: polling the chain works again (after {} failed round(s))", pollFailures);
      }
      pollError = null;
      pollFailures = 0;
    } catch (RuntimeException e) {
      // Reading the chain failed (no job's work throws up to here): the next round reads the same
      // blocks again.
      metrics.count(FAILURES, FAILURES_HELP, "kind", POLL);
      pollError = e.toString();
      pollFailures++;
      if (Integer.bitCount(pollFailures) == 1) {
        LOG.warn(
            "watchtower round failed ({} in a row; logged at 1, 2, 4, 8, ...): {}",
            pollFailures,
            e.toString());
      } else {
        LOG.debug("watchtower round failed ({} in a row): {}", pollFailures, e.toString());
      }
    }
  }

  /** The watchtower's duties done onchain and on DA. */
  private final class ChainDuties implements JobWatch.Duties {
    @Override
    public void checkResult(SettlementEvent.ResultSubmitted submitted) {
      check(submitted.jobId(), submitted.result());
    }

    @Override
    public void vote(SettlementEvent.DisputeOpened opened) {
      verifier.vote(opened);
    }

    @Override
    public void settleVote(SettlementEvent.DisputeSettled settled) {
      verifier.settle(settled);
    }

    @Override
    public void settleMinorityVotes(
        SettlementEvent.DisputeSettled settled, Map<Address, Bytes32> votes) {
      Watchtower.this.settleMinorityVotes(settled, votes);
    }

    @Override
    public boolean jobDeadline(BigInteger jobId, long now) {
      return Watchtower.this.jobDeadline(jobId, now);
    }

    @Override
    public boolean resolveDispute(BigInteger disputeId) {
      return Watchtower.this.resolveDispute(disputeId);
    }
  }

  /**
   * A vote against the decided majority is penalised only when someone settles it (settlement.md
   * §5), and its voter has no reason to: the watchtower settles every such vote of a decided
   * dispute, so the Schelling penalty bites and the voter's obligation ends. Majority voters settle
   * their own (they are paid).
   */
  private void settleMinorityVotes(
      SettlementEvent.DisputeSettled settled, Map<Address, Bytes32> votes) {
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
        metrics.count(
            "minority_votes_settled_total",
            "votes against a dispute's majority settled (their voters penalised)");
        LOG.info(
            "dispute {}: settled {}'s vote against the majority (penalised)",
            settled.disputeId(),
            v.getKey());
      } catch (ContractRevertException e) {
        // Settled already (by the voter or another watchtower).
        LOG.debug(
            "dispute {}: settleVote for {} refused: {}",
            settled.disputeId(),
            v.getKey(),
            e.errorName());
      }
    }
  }

  /** Re-executes a submitted result and challenges it if ours differs (and the window is open). */
  private void check(BigInteger jobId, ResultCommitment claimed) {
    JobPin pin = chain.pin(jobId);
    if (pin.mode() == dev.trustdial.chain.TrustMode.TEE) {
      // Not re-executable and not challengeable (JobManager refuses); what can be checked is the
      // answer's own evidence.
      JobInfo job = chain.job(jobId);
      AppInfo current = chain.app(job.appId());
      AppInfo app =
          new AppInfo(
              current.appId(),
              current.owner(),
              pin.mode(),
              pin.programDigest(),
              current.policy(),
              pin.appVersion());
      TeeAnswerCheck.Verdict v =
          teeCheck.check(app, pin.teeSigner(), da.get(job.outputBlobKey()), scheduler.instant());
      if (!v.valid()) {
        metrics.count("tee_answers_invalid_total", "tee answers invalid total");
      }
      verdicts.put(jobId.toString(), v.text());
      LOG.info(
          "job {}: TEE result {}; attested by the app, not re-executable: {}",
          jobId,
          claimed.outputHash(),
          v.text());
      return;
    }
    if (pin.mode() == dev.trustdial.chain.TrustMode.ZK) {
      // Finalized in the transaction that posted it: its proof was verified onchain, nothing is
      // left to check.
      verdicts.put(jobId.toString(), "proven onchain (ZK)");
      LOG.info(
          "job {}: ZK result {} finalized by its proof; nothing to re-execute",
          jobId,
          claimed.outputHash());
      return;
    }
    if (pin.mode() == dev.trustdial.chain.TrustMode.REEXEC_OBJECTIVE) {
      checkObjective(jobId, pin, claimed);
      return;
    }
    if (faults.falseChallenge()) {
      falseChallenge(jobId, claimed);
      return;
    }
    JobOutcome outcome = verifier.outcome(jobId);
    ResultCommitment ours = outcome.commitment();
    boolean mismatch = !ours.commitment().equals(claimed.commitment());
    if (mismatch) {
      metrics.count("mismatches_total", "results whose re-execution differs");
    }
    verdicts.put(jobId.toString(), mismatch ? "MISMATCH" : "ok");
    LOG.info(
        "job {}: re-executed ({}), {} (claimed output {}, ours {})",
        jobId,
        outcome.summary(),
        mismatch ? "MISMATCH" : "matches",
        claimed.outputHash(),
        ours.outputHash());
    ResultCommitment challengeWith = ours;
    if (!mismatch) {
      return;
    }
    if (chain.hasChallenged(jobId, chain.account())) {
      // Once per attempt (a restart re-reads the events): our dispute of this result is open or
      // decided already.
      LOG.info("job {}: we challenged it already", jobId);
      return;
    }
    try {
      BigInteger disputeId = chain.challenge(jobId, challengeWith).id();
      metrics.count("challenges_total", "challenges posted");
      LOG.info(
          "job {}: challenged with commitment {} (dispute {})",
          jobId,
          challengeWith.commitment(),
          disputeId);
    } catch (ContractRevertException e) {
      // The window closed, or another dispute already overturned the result.
      LOG.info("job {}: challenge refused: {}", jobId, e.errorName());
    }
  }

  /**
   * The test-only false challenger (--false-challenge): disputes the job's current result at once,
   * inside its challenge window, with a claim one step longer (well-formed, and wrong for a right
   * result), without re-executing first: a re-execution, or a restart's replay of old events, can
   * outlast the window, and a challenge after it is only refused.
   */
  private void falseChallenge(BigInteger jobId, ResultCommitment claimed) {
    JobInfo job = chain.job(jobId);
    boolean open =
        (job.status() == dev.trustdial.chain.JobStatus.SUBMITTED
                || job.status() == dev.trustdial.chain.JobStatus.DISPUTED)
            && chain.chainTime() <= job.challengeDeadline()
            && job.result().map(claimed::equals).orElse(false);
    if (!open || chain.hasChallenged(jobId, chain.account())) {
      LOG.info("job {}: no false challenge (not open for one, or ours is in)", jobId);
      return;
    }
    ResultCommitment wrong =
        new ResultCommitment(
            claimed.outputHash(),
            claimed.finalStateHash(),
            claimed.stepCount() + 1,
            claimed.checkpointRoot());
    LOG.warn("job {}: challenging its result with a WRONG claim (test-only fault)", jobId);
    try {
      BigInteger disputeId = chain.challenge(jobId, wrong).id();
      metrics.count("challenges_total", "challenges posted");
      LOG.info("job {}: false challenge posted (dispute {})", jobId, disputeId);
    } catch (ContractRevertException e) {
      LOG.info("job {}: false challenge refused: {}", jobId, e.errorName());
    }
  }

  /**
   * Queues the re-execution of an objective result (TraceRun.honest under the app's pinned config)
   * on the trace worker; {@link #collectChecks} compares the trace roots when it is built and, if
   * they differ, challenges with our own commitment and plays the match to its end (objective.md
   * §4). Nothing here waits for the guest.
   */
  private void checkObjective(BigInteger jobId, JobPin pin, ResultCommitment claimed) {
    if (matches.hasJob(jobId)) {
      LOG.info("job {}: our match about it is being played (or re-attached)", jobId);
      return;
    }
    JobInfo job = chain.job(jobId);
    checking.put(jobId, new ObjectiveCheck(job.attempt(), claimed));
    checks.submit(jobId, () -> objective.honestRun(job, pin).strideTrace());
    verdicts.put(jobId.toString(), "re-executing (objective)");
  }

  /**
   * Picks up the re-executions the trace worker finished: compares, challenges, or records why not.
   */
  private void collectChecks() {
    for (TraceBuilds.Done<BigInteger> d : checks.collect()) {
      BigInteger jobId = d.key();
      ObjectiveCheck check = checking.remove(jobId);
      if (check == null) {
        continue;
      }
      FailedWork.Key key = new FailedWork.Key(FailedWork.Kind.CHECK_RESULT, jobId);
      if (d.error().isPresent()) {
        RuntimeException e = d.error().get();
        if (e instanceof ObjectiveJob.Unrunnable u) {
          failedWork.succeededElsewhere(key);
          verdicts.put(jobId.toString(), "not checkable: " + u.getMessage());
          LOG.warn(
              "job {}: objective result {} cannot be re-executed here: {}",
              jobId,
              check.claimed().checkpointRoot(),
              u.getMessage());
        } else {
          failedWork.failedElsewhere(
              key, () -> checkObjective(jobId, chain.pin(jobId), check.claimed()), e);
        }
        continue;
      }
      failedWork.succeededElsewhere(key);
      StrideTrace ours = d.trace().orElseThrow();
      failedWork.run(key, () -> compareObjective(jobId, check, ours));
    }
  }

  /**
   * Our own objective challenge seen onchain without its match attached (the transaction was mined
   * but its reply lost): its match is journaled and played from the trace we challenged with.
   */
  private void adoptOwnChallenge(SettlementEvent e) {
    if (!(e instanceof SettlementEvent.JobChallenged c)
        || !c.challenger().equals(chain.account())
        || matches.has(c.disputeId())) {
      return;
    }
    Sent sent = sending.remove(c.jobId());
    if (sent == null) {
      return; // not an objective challenge of this process (or attached already)
    }
    matches.attach(
        new MatchRecord(
            c.disputeId(),
            c.jobId(),
            sent.attempt(),
            ObjectiveMatch.Side.CHALLENGER,
            sent.trace().root(),
            0),
        sent.trace());
    LOG.info(
        "job {}: adopted our challenge (match {}) whose reply was lost", c.jobId(), c.disputeId());
  }

  /**
   * Compares our trace of an objective result with the claimed one; on a mismatch challenges with
   * our commitment ({@link GamePlayer#challengeCommitmentOf}: also when our run does not halt
   * within maxSteps) and journals and plays the match.
   */
  private void compareObjective(BigInteger jobId, ObjectiveCheck check, StrideTrace ours) {
    ResultCommitment claimed = check.claimed();
    boolean mismatch = !ours.root().equals(claimed.checkpointRoot());
    if (!mismatch) {
      verdicts.put(jobId.toString(), "ok");
      LOG.info("job {}: re-executed (objective), trace root {} matches", jobId, ours.root());
      return;
    }
    metrics.count("mismatches_total", "results whose re-execution differs");
    verdicts.put(jobId.toString(), "MISMATCH");
    LOG.info(
        "job {}: re-executed (objective), trace root MISMATCH: claimed {}, ours {}{}",
        jobId,
        claimed.checkpointRoot(),
        ours.root(),
        ours.halted()
            ? ""
            : " (our run does not halt within maxSteps: we challenge with our running trace)");
    if (chain.hasChallenged(jobId, chain.account())) {
      LOG.info("job {}: we challenged it already", jobId);
      return;
    }
    try {
      sending.put(jobId, new Sent(check.attempt(), ours));
      BigInteger disputeId = chain.challenge(jobId, GamePlayer.challengeCommitmentOf(ours)).id();
      sending.remove(jobId);
      metrics.count("challenges_total", "challenges posted");
      matches.attach(
          new MatchRecord(
              disputeId, jobId, check.attempt(), ObjectiveMatch.Side.CHALLENGER, ours.root(), 0),
          ours);
      LOG.info(
          "job {}: challenged with trace root {} (match {}, H = {}, s = {})",
          jobId,
          ours.root(),
          disputeId,
          ours.strideHeight(),
          ours.run().shape().strideLog2());
      Map<String, Object> challenge = new LinkedHashMap<>();
      challenge.put("job", jobId.toString());
      challenge.put("traceRoot", ours.root().toString());
      challenge.put("match", disputeId.toString());
      challenge.put("strideHeight", ours.strideHeight());
      challenge.put("strideLog2", ours.run().shape().strideLog2());
      lastChallenge = java.util.Collections.unmodifiableMap(challenge);
    } catch (ContractRevertException e) {
      sending.remove(jobId);
      LOG.info("job {}: challenge refused: {}", jobId, e.errorName());
    }
  }

  /**
   * Re-attaches the matches whose traces were rebuilt, then one poll (at most one move) of each of
   * our matches; a poll that throws is retried on its own schedule.
   */
  private void playMatches() {
    for (MatchKeeper.Resumption r : matches.collect()) {
      switch (r) {
        case MatchKeeper.Resumed x ->
            LOG.info(
                "job {} match {}: re-attached (trace rebuilt in {} ms, root {})",
                x.record().jobId(),
                x.record().disputeId(),
                x.buildMillis(),
                x.record().traceRoot());
        case MatchKeeper.Over x -> {
          verdicts.put(
              x.record().jobId().toString(),
              "match " + x.record().disputeId() + ": " + x.match().verdict());
          LOG.info(
              "job {} match {}: ended while we were away: {}",
              x.record().jobId(),
              x.record().disputeId(),
              x.match().verdict());
        }
        case MatchKeeper.ResumeFailed x ->
            LOG.warn(
                "job {} match {}: cannot rebuild our trace ({}); retrying at {}",
                x.record().jobId(),
                x.record().disputeId(),
                x.error().toString(),
                x.retryAt());
      }
    }
    for (MatchKeeper.Attached a : matches.attached()) {
      BigInteger id = a.record().disputeId();
      BigInteger jobId = a.record().jobId();
      var count = moves.computeIfAbsent(id, k -> new java.util.concurrent.atomic.AtomicInteger());
      failedWork.attempt(
          new FailedWork.Key(FailedWork.Kind.PLAY_MATCH, id),
          () -> {
            switch (a.player().poll()) {
              case GamePlayer.Moved mv -> {
                count.incrementAndGet();
                metrics.count(
                    GAME_MOVES,
                    GAME_MOVES_HELP,
                    "move",
                    mv.kind().name().toLowerCase(java.util.Locale.ROOT));
                LOG.info(
                    "job {} match {}: move {}: {} (gas {})",
                    jobId,
                    id,
                    count.get(),
                    mv.kind(),
                    mv.tx().gasUsed());
              }
              case GamePlayer.Refused r ->
                  LOG.info(
                      "job {} match {}: {} refused ({}); re-reading the match",
                      jobId,
                      id,
                      r.kind(),
                      r.reason());
              case GamePlayer.Waiting w -> {}
              case GamePlayer.Finished f -> {
                matches.finished(id);
                moves.remove(id);
                boolean won = f.verdict() == dev.trustdial.chain.Verdict.OPERATOR_REFUTED;
                if (!f.moot()) {
                  metrics.count(
                      won ? "matches_won_total" : "matches_lost_total",
                      won
                          ? "ObjectiveCourt matches of ours that refuted the result"
                          : "ObjectiveCourt matches of ours that the result survived");
                }
                verdicts.put(
                    jobId.toString(),
                    "match " + id + ": " + f.verdict() + (f.moot() ? " (moot)" : ""));
                LOG.info(
                    "job {} match {}: over after {} moves of ours (this process): {}{}",
                    jobId,
                    id,
                    count.get(),
                    f.verdict(),
                    f.moot() ? " (moot)" : "");
              }
            }
          });
    }
  }

  /**
   * Acts on an open job whose deadline has passed: reports a miss, finalizes a result with no
   * dispute open (status SUBMITTED). @return whether the job needs no more watching
   */
  private boolean jobDeadline(BigInteger jobId, long now) {
    JobInfo job = chain.job(jobId);
    try {
      switch (job.status()) {
        case ASSIGNED -> {
          if (now > job.deadline()) {
            chain.reportMissed(jobId);
            metrics.count("missed_reported_total", "missed heartbeats reported");
            LOG.info("job {}: reported {} for a missed deadline", jobId, job.assignee());
          }
          return false;
        }
        case SUBMITTED -> {
          if (now > job.challengeDeadline()) {
            chain.finalizeJob(jobId);
            metrics.count("finalized_total", "jobs finalized");
            return true;
          }
          return false;
        }
        // Queued jobs are the keeper's; a disputed job waits for its disputes.
        case QUEUED, DISPUTED -> {
          return false;
        }
        case FINALIZED, FAILED, NONE -> {
          return true;
        }
        default ->
            throw new IllegalStateException("job " + jobId + ": unknown status " + job.status());
      }
    } catch (ContractRevertException e) {
      // The chain's clock moved less than ours or someone acted first; the next round sees the new
      // state.
      LOG.debug("job {}: {} refused: {}", jobId, job.status(), e.errorName());
      return false;
    }
  }

  /**
   * Resolves a dispute past its voting period. @return whether it was resolved already (no more
   * watching)
   */
  private boolean resolveDispute(BigInteger disputeId) {
    try {
      DisputeInfo info = chain.dispute(disputeId);
      if (info.resolved()) {
        return true;
      }
      chain.resolve(disputeId);
      metrics.count("resolved_total", "disputes resolved");
      DisputeInfo after = chain.dispute(disputeId);
      LOG.info(
          "job {} dispute {}: resolved: {}{}",
          after.jobId(),
          disputeId,
          after.verdict(),
          after.moot() ? " (moot)" : "");
    } catch (ContractRevertException e) {
      LOG.debug("dispute {}: resolve refused: {}", disputeId, e.errorName());
    }
    return false;
  }

  @Override
  public void close() {
    running = false;
    traceWorker.stop();
    if (thread != null) {
      thread.stop();
    }
  }
}
