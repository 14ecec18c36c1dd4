package dev.trustdial.node.operator;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.EventFollower;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.Registration;
import dev.trustdial.node.config.NodeConfig;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.node.job.JobRejected;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.job.TeeJob;
import dev.trustdial.node.job.ZkJob;
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
import dev.trustdial.tee.runtime.TeeRuntime;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.checkpoint.LinkCompression;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A COMPUTE operator: follows the chain for jobs assigned to it, runs them from step 0 or from the
 * last checkpoint on DA (or from step 0 after restartJob when that checkpoint cannot be restored),
 * heartbeats a DA snapshot at every checkpoint (written behind the running VM by a {@link
 * CheckpointPipeline}: a heartbeat names only a checkpoint already certified on DA, and the result
 * is posted only once every checkpoint before it is heartbeated) and posts the result. One thread
 * follows events and keeps queued jobs (assigns them once their seed block is mined, like every
 * node); jobs run in parallel on a bounded pool; a keepalive thread re-posts the last checkpoint of
 * a job that would otherwise miss its deadline; a voter thread re-executes disputed jobs, votes in
 * each dispute and settles its votes once resolved (operators are staked verifiers too). A games
 * thread defends our REEXEC_OBJECTIVE results in ObjectiveCourt matches; each match is journaled
 * ({@link MatchJournal}) and a restarted operator re-attaches it, its trace rebuilt from the job on
 * a worker thread.
 */
public final class OperatorNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorNode.class);

  /**
   * Test-only faults, refused on any chain but the devnet's.
   *
   * @param lie post a wrong output (a ZK job's wrong output cannot pass the verifier: it is refused
   *     onchain)
   * @param stallProving hold each ZK job in "proving" for {@link #STALL} before the prover runs, so
   *     a test can kill the operator mid-proof (keepalive heartbeats go on meanwhile)
   * @param lieAtStep for REEXEC_OBJECTIVE jobs: claim a trace that is wrong from this step on
   *     (TraceRun.lying, a consistently wrong trace and result), and defend it in the game; 0 =
   *     honest
   * @param silentInGame never move in an ObjectiveCourt match (the clock runs out)
   */
  public record Faults(boolean lie, boolean stallProving, long lieAtStep, boolean silentInGame) {
    public static final Faults NONE = new Faults(false, false);
    static final Duration STALL = Duration.ofSeconds(60);

    public Faults {
      if (lieAtStep < 0) {
        throw new InvalidInputException(
            "--lie-at-step must be a step number of at least 1, got " + lieAtStep);
      }
    }

    public Faults(boolean lie, boolean stallProving) {
      this(lie, stallProving, 0, false);
    }

    /** Refuses any fault on a chain other than the devnet's. */
    public void requireAllowedOn(long chainId) {
      if (chainId == Anvil.DEVNET_CHAIN_ID) {
        return;
      }
      String flag =
          lie
              ? "--lie"
              : stallProving
                  ? "--stall-proving"
                  : lieAtStep > 0 ? "--lie-at-step" : silentInGame ? "--silent-in-game" : null;
      if (flag != null) {
        throw new InvalidInputException(
            flag
                + " is a test-only fault and is refused on chain "
                + chainId
                + " (only the devnet chain "
                + Anvil.DEVNET_CHAIN_ID
                + " allows it)");
      }
    }
  }

  /**
   * How a VM job's checkpoints are written ({@link CheckpointPipeline}; the operator config's
   * {@code checkpointsInFlight} and {@code checkpointFullEvery}).
   *
   * @param inFlight checkpoints the VM may run ahead of the last heartbeat (back-pressure beyond);
   *     0: the VM waits at each checkpoint until it is heartbeated
   * @param fullEvery a full snapshot every this many checkpoints, deltas between (docs/spec/vm.md
   *     §8.1); 1: every checkpoint full
   * @param minIntervalMillis write at most one checkpoint per this many milliseconds, merging the
   *     ones between (0: every checkpoint; docs/CHECKPOINTS.md); needs {@code inFlight} &gt; 0
   */
  public record Checkpoints(int inFlight, int fullEvery, long minIntervalMillis) {
    public static final Checkpoints DEFAULT =
        new Checkpoints(
            NodeConfig.DEFAULT_CHECKPOINTS_IN_FLIGHT,
            NodeConfig.DEFAULT_CHECKPOINT_FULL_EVERY,
            NodeConfig.DEFAULT_CHECKPOINT_MIN_INTERVAL_MS);

    public Checkpoints {
      if (minIntervalMillis < 0
          || minIntervalMillis > NodeConfig.MAX_CHECKPOINT_MIN_INTERVAL_MS
          || (minIntervalMillis > 0 && inFlight == 0)) {
        throw new InvalidInputException(
            "checkpointMinIntervalMs must be 0.."
                + NodeConfig.MAX_CHECKPOINT_MIN_INTERVAL_MS
                + " and needs checkpointsInFlight > 0, got "
                + minIntervalMillis
                + " with checkpointsInFlight "
                + inFlight);
      }
      if (inFlight < 0 || inFlight > NodeConfig.MAX_CHECKPOINTS_IN_FLIGHT) {
        throw new InvalidInputException(
            "checkpointsInFlight must be 0.."
                + NodeConfig.MAX_CHECKPOINTS_IN_FLIGHT
                + ", got "
                + inFlight);
      }
      if (fullEvery < 1 || fullEvery > NodeConfig.MAX_CHECKPOINT_FULL_EVERY) {
        throw new InvalidInputException(
            "checkpointFullEvery must be 1.."
                + NodeConfig.MAX_CHECKPOINT_FULL_EVERY
                + ", got "
                + fullEvery);
      }
    }
  }

  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  /** The event cursor is journaled once it moved this many blocks past the journaled one. */
  static final long CURSOR_SAVE_BLOCKS = 64;

  private static final String CHECKPOINT_FAILURES = "checkpoint_failures_total";
  private static final String CHECKPOINT_FAILURES_HELP =
      "Job attempts ended by a checkpoint that failed in the pipeline (encode, DA put, journal,"
          + " heartbeat); the job resumes from its last heartbeated checkpoint";

  private static final String CHECKPOINTS_PENDING = "checkpoints_pending";
  private static final String CHECKPOINTS_PENDING_HELP =
      "Checkpoints captured but not yet heartbeated when the last job checkpointed (at most"
          + " checkpointsInFlight)";

  private static final String GAME_MOVES = "game_moves_total";
  private static final String GAME_MOVES_HELP = "ObjectiveCourt moves sent, by kind";

  /**
   * A match whose player throws this many polls in a row is given up (logged): its trace does not
   * fit the match.
   */
  private static final int MAX_GAME_FAILURES = 30;

  private final SettlementPort chain;
  private final EventFollower follower;
  private final DataAvailability da;
  private final JobSource source;
  private final JobJournal journal;
  private final SnapshotSource snapshots;
  private final NodeMetrics metrics;
  private final Duration pollInterval;
  private final Faults faults;

  /** Jobs assigned to us that are queued or running; a job is in the pool at most once. */
  private final Set<BigInteger> queued = ConcurrentHashMap.newKeySet();

  private final Map<String, String> jobStates = new ConcurrentHashMap<>();

  /**
   * The latest of each kind of fact /health reports (restore, ZK proof, result), by its key there:
   * what happened is read from /health and the chain, never from the log.
   */
  private final Map<String, Map<String, Object>> lastFacts = new ConcurrentHashMap<>();

  private final AtomicInteger active = new AtomicInteger();
  private final Scheduler scheduler;
  private final Scheduler.Workers jobs;

  /** The stages of every running job's checkpoint pipeline (one task per job at a time). */
  private final Scheduler.Workers checkpointWorkers;

  private final Checkpoints checkpoints;
  private final Scheduler.Workers votes;
  private final Optional<Reexecutor> verifier;
  private final InferenceJob.Models models;
  private final Optional<TeeJob> tee;
  private final Optional<ZkJob> zk;
  private final JobKeeper keeper;
  private final ObjectiveJob objective;

  /** Our claimed trace of each REEXEC_OBJECTIVE job we submitted (this attempt's), to defend it. */
  private final Map<BigInteger, Claim> claims = new ConcurrentHashMap<>();

  /** The ObjectiveCourt matches against our results (journaled), played by the games thread. */
  private final MatchKeeper matches;

  /** Rebuilds the traces of matches re-attached after a restart, off the games thread. */
  private final Scheduler.Workers traceWorker;

  /**
   * Our submitted results waiting for their challenge window to end: we finalize them ourselves
   * (the fee is ours), so no job of ours depends on a watchtower being up to be paid.
   */
  private final Set<BigInteger> awaitingFinalization = ConcurrentHashMap.newKeySet();

  /** Polls in a row that threw, per match. */
  private final Map<BigInteger, Integer> gameFailures = new ConcurrentHashMap<>();

  private volatile boolean running = true;
  private volatile long lastPollMillis;
  private long heartbeatWindow;
  private Scheduler.Loop events;
  private Scheduler.Loop keepalive;
  private Scheduler.Loop games;

  /** The trace we committed for a job's attempt, and the devnet lie it carries (0: none). */
  private record Claim(StrideTrace trace, long attempt, long lieAtStep) {}

  /**
   * @param maxConcurrentJobs jobs run in parallel, each on its own thread; more wait (kept alive by
   *     keepalive heartbeats)
   * @param vote also act as a staked verifier: re-execute disputed jobs and vote (needs the
   *     VERIFIER role)
   * @param tee how to run TEE jobs; empty: a TEE job assigned to us fails with a clear log line
   * @param zk how to prove ZK jobs; empty (no node or snarkjs here): a ZK job assigned to us is
   *     declined
   */
  public OperatorNode(
      Settlement chain,
      DataAvailability da,
      JobJournal journal,
      MatchJournal matchJournal,
      InferenceJob.Models models,
      NodeMetrics metrics,
      Duration pollInterval,
      Faults faults,
      int maxConcurrentJobs,
      boolean vote,
      Optional<TeeJob> tee,
      Optional<ZkJob> zk,
      Checkpoints checkpoints) {
    this(
        chain,
        CourtAccess.onChain(chain),
        Scheduler.system(),
        da,
        journal,
        matchJournal,
        models,
        metrics,
        pollInterval,
        faults,
        maxConcurrentJobs,
        vote,
        tee,
        zk,
        checkpoints);
  }

  /**
   * @param court the objective apps, court and game board of REEXEC_OBJECTIVE jobs (beside the
   *     settlement port)
   * @param scheduler the clock, loops and workers everything runs on
   * @param checkpoints how VM checkpoints are written behind the machine
   */
  public OperatorNode(
      SettlementPort chain,
      CourtAccess court,
      Scheduler scheduler,
      DataAvailability da,
      JobJournal journal,
      MatchJournal matchJournal,
      InferenceJob.Models models,
      NodeMetrics metrics,
      Duration pollInterval,
      Faults faults,
      int maxConcurrentJobs,
      boolean vote,
      Optional<TeeJob> tee,
      Optional<ZkJob> zk,
      Checkpoints checkpoints) {
    faults.requireAllowedOn(chain.chainId());
    this.chain = chain;
    // The cursor is journaled every CURSOR_SAVE_BLOCKS blocks, not every poll (an fsync a second):
    // what
    // matters survives a crash on its own (an assignment to us is journaled when seen), and a
    // restart
    // re-reads at most that many blocks, whose handling is idempotent.
    this.follower =
        new EventFollower(
            chain,
            new EventFollower.Cursor() {
              private long next = -1;

              @Override
              public long next() {
                return next >= 0 ? next : journal.nextBlock();
              }

              @Override
              public void moveTo(long n) {
                next = n;
                if (n - journal.nextBlock() >= CURSOR_SAVE_BLOCKS || n < journal.nextBlock()) {
                  journal.setNextBlock(n);
                }
              }
            });
    this.da = da;
    this.source = new JobSource(da);
    this.journal = journal;
    this.metrics = metrics;
    this.pollInterval = pollInterval;
    this.faults = faults;
    this.scheduler = scheduler;
    this.jobs = scheduler.workers("operator-job", maxConcurrentJobs);
    // A job waits for its pipeline (back-pressure, drain): awaited workers, one task per job at
    // once.
    this.checkpointWorkers = scheduler.awaitedWorkers("operator-checkpoints", maxConcurrentJobs);
    this.checkpoints = checkpoints;
    this.votes = scheduler.workers("operator-votes", 1);
    this.models = models;
    this.tee = tee;
    this.zk = zk;
    this.snapshots =
        new SnapshotSource(
            journal,
            source::snapshot,
            metrics,
            r ->
                lastFacts.put(
                    "lastRestore",
                    fact(
                        "job", r.checkpoint().jobId().toString(),
                        "kind", "snapshot",
                        "step", r.checkpoint().step(),
                        "checkpoint", r.checkpoint().blobKey().toString(),
                        "from", r.fromDa() ? "DA" : "local")));
    this.verifier =
        vote ? Optional.of(new Reexecutor(chain, source, models, metrics)) : Optional.empty();
    this.keeper = new JobKeeper(chain, metrics);
    this.objective = new ObjectiveJob(chain, court.reads(), source);
    this.traceWorker = scheduler.workers("operator-traces", 1);
    this.matches =
        new MatchKeeper(
            court.board(),
            matchJournal,
            new TraceBuilds<>(traceWorker, 16),
            objective::rebuild,
            faults.silentInGame() ? GamePlayer.Behaviour.SILENT : GamePlayer.Behaviour.PLAY,
            scheduler);
    for (GamePlayer.MoveKind k : GamePlayer.MoveKind.values()) {
      metrics.declareCounter(
          GAME_MOVES, GAME_MOVES_HELP, "move", k.name().toLowerCase(java.util.Locale.ROOT));
    }
    metrics.declareCounter(
        "matches_won_total",
        "ObjectiveCourt matches against our results that ended with our result standing");
    metrics.declareCounter(
        "matches_lost_total", "ObjectiveCourt matches against our results that refuted them");
    metrics.declareCounter(
        "keepalive_heartbeats_total",
        "Heartbeats that re-post the last checkpoint to keep a slow or queued job alive");
    metrics.declareCounter("checkpoints_written_total", "Snapshots written to DA at checkpoints");
    metrics.declareCounter("heartbeats_total", "Heartbeats posted onchain");
    metrics.declareCounter(CHECKPOINT_FAILURES, CHECKPOINT_FAILURES_HELP);
    metrics.declareCounter("results_submitted_total", "Result commitments posted");
    metrics.declareCounter(
        "restarts_total",
        "Jobs restarted from step 0 because their last checkpoint could not be restored");
    metrics.declareCounter(
        "guest_faults_total", "Jobs ended with a guest fault or at their step limit");
    metrics.declareCounter(
        "jobs_rejected_total",
        "Jobs ended with a rejected outcome (digest mismatch, malformed job)");
    metrics.declareCounter(
        "declined_total", "Jobs handed back without penalty (they cannot run here or at all)");
    metrics.declareCounter("slashes_seen_total", "Slashes of this operator seen onchain");
    metrics.declareCounter(
        "self_finalized_total",
        "Results of ours finalized by us once their challenge window ended");
    metrics.declareCounter(
        "zk_proofs_total", "ZK jobs proven and finalized onchain by this operator");
    metrics.gauge("zk_prove_milliseconds", "Witness plus proving time of the last ZK job", 0);
    metrics.gauge("jobs_running", "Jobs this operator is executing", 0);
    metrics.gauge("steps_per_second", "VM steps per second of the last job segment", 0);
    metrics.gauge(CHECKPOINTS_PENDING, CHECKPOINTS_PENDING_HELP, 0);
  }

  /**
   * Registers as COMPUTE (and VERIFIER when it votes, TEE when it has a TEE install) and tops the
   * stake up to {@code stakeWei} if needed.
   */
  public void ensureRegistered(BigInteger stakeWei, String endpoint) {
    EnumSet<Role> roles = EnumSet.of(Role.COMPUTE);
    if (verifier.isPresent()) {
      roles.add(Role.VERIFIER);
    }
    if (tee.isPresent()) {
      roles.add(Role.TEE);
    }
    Registration.ensure(chain, roles, stakeWei, endpoint);
  }

  public void start() {
    // A cursor past the head (a journal from another chain or a restarted devnet) would skip our
    // assignments: rewind it.
    journal.rewindIfAhead(chain.blockNumber());
    // A restart resumes the jobs the journal says are ours and unfinished, before any new event.
    journal.jobs().values().stream().filter(e -> !e.submitted()).forEach(e -> enqueue(e.jobId()));
    // Results we submitted before a restart may still wait for their window: finalizeOurs checks
    // each once and drops the ended.
    journal.jobs().values().stream()
        .filter(JobJournal.Entry::submitted)
        .forEach(e -> awaitingFinalization.add(e.jobId()));
    // And the matches it was playing: their traces are rebuilt on the trace worker, the court says
    // where each stands.
    int resumed = matches.resumeAll();
    if (resumed > 0) {
      LOG.info("re-attaching {} ObjectiveCourt match(es) from the match journal", resumed);
    }
    heartbeatWindow = chain.params().heartbeatWindowSeconds();
    try {
      keeper.scanQueued();
    } catch (RuntimeException e) {
      LOG.warn("keeper: cannot scan for queued jobs at start: {}", e.toString());
    }
    events = scheduler.every("operator-events", pollInterval, this::followEvents);
    keepalive = scheduler.every("operator-keepalive", pollInterval, this::keepAlive);
    games = scheduler.every("operator-games", pollInterval, this::playGames);
  }

  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("role", "operator");
    h.put("account", chain.account().toString());
    h.put(
        "status",
        running && events.alive() && keepalive.alive() && games.alive() ? "ok" : "stopped");
    h.put("jobsRunning", active.get());
    h.put("queuedJobsKept", keeper.queuedCount());
    h.put("lastPollMillis", lastPollMillis);
    h.put("jobs", Map.copyOf(jobStates));
    h.put("matchesDefended", matches.attached().size());
    h.put("matchesResuming", matches.rebuilding());
    for (String name : List.of("lastRestore", "lastProof", "lastResult")) {
      Optional.ofNullable(lastFacts.get(name)).ifPresent(f -> h.put(name, f));
    }
    tee.flatMap(TeeJob::lastLaunch).ifPresent(l -> h.put("lastTeeLaunch", l.toHealth()));
    return h;
  }

  /** An ordered, unmodifiable /health object from name, value pairs. */
  private static Map<String, Object> fact(Object... nameValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], nameValue[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One round of the events loop: new events handled, due queued jobs assigned. */
  private void followEvents() {
    try {
      long head =
          follower.poll(e -> {
            keeper.onEvent(e);
            onEvent(e);
          });
      keeper.assignDue(head);
      lastPollMillis = scheduler.millis();
    } catch (RuntimeException e) {
      LOG.warn("event poll failed: {}", e.getMessage());
    }
  }

  private void onEvent(SettlementEvent e) {
    Address me = chain.account();
    switch (e) {
      case SettlementEvent.JobAssigned a when a.operator().equals(me) -> {
        LOG.info(
            "job {} assigned to us (attempt {}, resume from {})",
            a.jobId(),
            a.attempt(),
            a.resumeFromCheckpoint());
        // Journal the job before the cursor moves past its assignment: a restart then still runs
        // it.
        if (journal.job(a.jobId()).map(j -> j.attempt() != a.attempt()).orElse(true)) {
          journal.put(
              new JobJournal.Entry(a.jobId(), a.attempt(), 0, Bytes32.ZERO, Bytes32.ZERO, false));
        }
        enqueue(a.jobId());
      }
      case SettlementEvent.DisputeOpened d when verifier.isPresent() ->
          votes.execute(() -> {
            try {
              verifier.get().vote(d);
            } catch (RuntimeException ex) {
              LOG.warn(
                  "job {} dispute {}: could not re-execute to vote: {}",
                  d.jobId(),
                  d.disputeId(),
                  ex.toString());
            }
          });
      case SettlementEvent.DisputeSettled d when verifier.isPresent() ->
          votes.execute(() -> {
            try {
              verifier.get().settle(d);
            } catch (RuntimeException ex) {
              LOG.warn("dispute {}: could not settle our vote: {}", d.disputeId(), ex.toString());
            }
          });
      case SettlementEvent.JobFailed f
          when journal.job(f.jobId()).map(j -> !j.submitted()).orElse(false) -> {
        LOG.warn(
            "job {} failed onchain ({}): fee and deposit went back to the submitter",
            f.jobId(),
            f.reason());
        jobStates.put(f.jobId().toString(), "failed onchain: " + f.reason());
        journal
            .job(f.jobId())
            .ifPresent(j ->
                journal.put(
                    new JobJournal.Entry(
                        f.jobId(),
                        j.attempt(),
                        j.step(),
                        j.stateHash(),
                        j.snapshotBlobKey(),
                        true)));
      }
      case SettlementEvent.ResultSubmitted r when r.operator().equals(me) ->
          awaitingFinalization.add(r.jobId());
      case SettlementEvent.JobChallenged c when !matches.has(c.disputeId()) -> defend(c);
      // Our claim needs no defence once the job is final or gone (a refuted claim's job is
      // re-queued without us).
      case SettlementEvent.JobFinalized f when claims.containsKey(f.jobId()) ->
          claims.remove(f.jobId());
      case SettlementEvent.JobAssigned a when claims.containsKey(a.jobId()) ->
          claims.remove(a.jobId());
      case SettlementEvent.Slashed s when s.operator().equals(me) -> {
        metrics.count("slashes_seen_total", "Slashes of this operator seen onchain");
        LOG.warn("we were slashed {} wei ({})", s.amount(), s.reason());
      }
      default -> {}
    }
  }

  private void enqueue(BigInteger jobId) {
    if (running && queued.add(jobId)) {
      jobs.execute(() -> runQueued(jobId));
    }
  }

  private void runQueued(BigInteger jobId) {
    boolean retry = false;
    metrics.gauge("jobs_running", "Jobs this operator is executing", active.incrementAndGet());
    try {
      runJob(jobId);
    } catch (ContractRevertException e) {
      // The chain refused a step (the job moved on, a deadline passed): re-read it and go on from
      // what it says now.
      jobStates.put(jobId.toString(), "retrying: " + e.getMessage());
      LOG.warn("job {}: {}; re-reading it in {} ms", jobId, e.getMessage(), RETRY_DELAY.toMillis());
      retry = true;
    } catch (InvalidInputException e) {
      // Not an outcome every node agrees on (those are posted as results: faults, rejections), yet
      // running it again here cannot help (a TEE job refused for itself, a blob DA says it does not
      // hold): holding it would get us slashed for liveness. Hand it back; when nobody can, it
      // fails.
      LOG.error("job {} cannot run: {}", jobId, e.getMessage());
      try {
        decline(jobId, "it cannot run: " + e.getMessage());
      } catch (RuntimeException ex) {
        jobStates.put(jobId.toString(), "failed: " + e.getMessage());
        LOG.warn("job {}: could not decline it: {}", jobId, ex.toString());
      }
    } catch (RuntimeException e) {
      // DA or chain trouble: retry from the newest onchain checkpoint while the deadline allows.
      jobStates.put(jobId.toString(), "retrying: " + e.getMessage());
      LOG.warn("job {}: {}; retrying in {} ms", jobId, e.toString(), RETRY_DELAY.toMillis());
      retry = true;
    } finally {
      queued.remove(jobId);
      metrics.gauge("jobs_running", "Jobs this operator is executing", active.decrementAndGet());
    }
    if (retry) {
      scheduler.after(RETRY_DELAY, () -> enqueue(jobId));
    }
  }

  /**
   * Keeps every job of ours alive while it waits for a thread or computes a long stride: when less
   * than half the heartbeat window is left, re-post the last checkpoint onchain (same step, state
   * and blob), which the contract accepts and which moves the deadline. It proves liveness, not
   * progress; the checkpoints do that.
   */
  private void keepAlive() {
    finalizeOurs();
    for (BigInteger jobId : new java.util.TreeSet<>(queued)) {
      try {
        JobInfo job = chain.job(jobId);
        long now = Math.max(chain.chainTime(), scheduler.instant().getEpochSecond());
        if (job.status() == JobStatus.ASSIGNED
            && job.assignee().equals(chain.account())
            && job.deadline() - now < heartbeatWindow / 2) {
          chain.heartbeat(jobId, job.lastStep(), job.lastStateHash(), job.lastCheckpointBlobKey());
          metrics.count(
              "keepalive_heartbeats_total",
              "Heartbeats that re-post the last checkpoint to keep a slow or queued job alive");
          LOG.info(
              "job {}: keepalive heartbeat at step {} (no new checkpoint within half the window)",
              jobId,
              job.lastStep());
        }
      } catch (ContractRevertException e) {
        // A checkpoint heartbeat moved past it meanwhile, or the job left us: nothing to keep
        // alive.
        LOG.debug("job {}: keepalive refused: {}", jobId, e.errorName());
      } catch (RuntimeException e) {
        LOG.warn("job {}: keepalive failed: {}", jobId, e.toString());
      }
    }
  }

  /**
   * Finalizes each result of ours whose challenge window is over with no dispute open (status
   * SUBMITTED), and forgets those that moved on (final, failed, re-queued after a lost dispute or
   * one that ended undecided: NO_QUORUM and NO_MAJORITY drop the result, settlement.md §5).
   */
  private void finalizeOurs() {
    for (BigInteger jobId : new java.util.TreeSet<>(awaitingFinalization)) {
      try {
        JobInfo job = chain.job(jobId);
        switch (job.status()) {
          case SUBMITTED -> {
            if (job.resultOperator().equals(chain.account())
                && chain.chainTime() > job.challengeDeadline()) {
              chain.finalizeJob(jobId);
              awaitingFinalization.remove(jobId);
              metrics.count(
                  "self_finalized_total",
                  "Results of ours finalized by us once their challenge window ended");
              LOG.info(
                  "job {}: finalized our result (its challenge window ended with no dispute open)",
                  jobId);
            }
          }
          case DISPUTED -> {} // the disputes decide; a standing result is SUBMITTED again or
          // finalized by the court's resolution
          default -> awaitingFinalization.remove(jobId);
        }
      } catch (ContractRevertException e) {
        // Someone finalized it first, or the chain's clock is behind ours: the next round sees the
        // new state.
        LOG.debug("job {}: finalize refused: {}", jobId, e.errorName());
      } catch (RuntimeException e) {
        LOG.warn("job {}: cannot finalize our result now: {}", jobId, e.toString());
      }
    }
  }

  /**
   * Runs one job to its result, resuming from the newest checkpoint onchain (ours or a
   * predecessor's).
   */
  void runJob(BigInteger jobId) {
    JobInfo job = chain.job(jobId);
    if (job.status() != JobStatus.ASSIGNED || !job.assignee().equals(chain.account())) {
      LOG.info("job {} is {} with {}, not ours to run", jobId, job.status(), job.assignee());
      journal
          .job(jobId)
          .ifPresent(e ->
              journal.put(
                  new JobJournal.Entry(
                      jobId, e.attempt(), e.step(), e.stateHash(), e.snapshotBlobKey(), true)));
      return;
    }
    JobPin pin = chain.pin(jobId);
    if (pin.mode() == TrustMode.TEE) {
      runTee(job, pin);
      return;
    }
    if (pin.mode() == TrustMode.ZK) {
      runZk(job, pin);
      return;
    }
    if (pin.mode() == TrustMode.REEXEC_OBJECTIVE) {
      runObjective(job, pin);
      return;
    }
    if (pin.mode() == TrustMode.OTHER) {
      decline(
          jobId,
          "it belongs to a third-party mode (adapter "
              + pin.adapter().map(Address::toString).orElse("none")
              + ") this operator does not run");
      return;
    }
    JobOutcome outcome;
    try {
      outcome = run(job, pin);
    } catch (JobRejected e) {
      // Every node that fetches this job sees the same: it ends onchain with the reason, not with a
      // decline.
      LOG.warn("job {}: rejected ({}): {}", jobId, e.reason().text(), e.getMessage());
      outcome = new JobOutcome.Rejected(e.reason());
    }
    switch (outcome) {
      case JobOutcome.Completed c ->
          submit(jobId, job.attempt(), c.commitment(), c.output(), Optional.empty());
      case JobOutcome.Faulted f -> submitOutcome(job, f);
      case JobOutcome.StepLimit l -> submitOutcome(job, l);
      case JobOutcome.Rejected r -> submitOutcome(job, r);
    }
  }

  /**
   * Runs a REEXEC job (an ELF in the VM, or a GGUF inference) to its outcome, heartbeating every VM
   * checkpoint.
   */
  private JobOutcome run(JobInfo job, JobPin pin) {
    BigInteger jobId = job.jobId();
    JobProgram program = source.fetch(job, pin);
    if (InferenceJob.isModel(program.elf())) {
      jobStates.put(jobId.toString(), "running inference");
      LOG.info(
          "job {} attempt {}: inference on model {}",
          jobId,
          job.attempt(),
          program.programDigest());
      return InferenceJob.run(models, program).completed();
    }
    Machine m = startMachine(job, program);
    LOG.info("job {} attempt {}: running from step {}", jobId, job.attempt(), m.step());
    jobStates.put(jobId.toString(), "running from step " + m.step());
    long attempt = job.attempt();
    long[] segmentStart = {System.nanoTime(), m.step()};
    CheckpointPipeline pipeline = pipeline(jobId, attempt);
    try {
      JobOutcome outcome =
          Execution.outcome(
              m,
              job.maxSteps(),
              (cp, machine) -> {
                long nanos = System.nanoTime() - segmentStart[0];
                if (nanos > 0) {
                  metrics.gauge(
                      "steps_per_second",
                      "VM steps per second of the last job segment",
                      (machine.step() - segmentStart[1]) * 1_000_000_000L / nanos);
                }
                if (!machine.terminal() && cp.step() > 0) {
                  // Copies what changed and returns: encode, DA put, journal and heartbeat run
                  // behind the machine (waits only when checkpointsInFlight are pending).
                  pipeline.submit(machine);
                  metrics.gauge(CHECKPOINTS_PENDING, CHECKPOINTS_PENDING_HELP, pipeline.pending());
                }
                segmentStart[0] = System.nanoTime();
                segmentStart[1] = machine.step();
              });
      // The result goes onchain only after every checkpoint before it is heartbeated (in order).
      pipeline.drain();
      metrics.gauge(CHECKPOINTS_PENDING, CHECKPOINTS_PENDING_HELP, 0);
      return outcome;
    } catch (CheckpointPipeline.CheckpointFailed e) {
      pipeline.close();
      metrics.count(CHECKPOINT_FAILURES, CHECKPOINT_FAILURES_HELP);
      LOG.warn(
          "job {} attempt {}: {}; nothing after the last heartbeated checkpoint is kept, the"
              + " attempt ends here",
          jobId,
          attempt,
          e.getMessage());
      // runQueued routes on what failed, as without the pipeline: a refused transaction re-reads
      // the job, an input that cannot be written declines it, anything else retries.
      if (e.getCause() instanceof InvalidInputException cause) {
        throw cause;
      }
      throw e;
    } catch (RuntimeException e) {
      pipeline.close(); // no heartbeat of this attempt after it ended
      throw e;
    }
  }

  /**
   * A job attempt's checkpoint pipeline: each link on DA, then in the journal (with its bytes),
   * then heartbeated. Journal before heartbeat: after a crash between the two, the onchain key
   * differs from the journal's and DA's copy is used ({@link SnapshotSource}).
   */
  private CheckpointPipeline pipeline(BigInteger jobId, long attempt) {
    return new CheckpointPipeline(
        checkpointWorkers,
        checkpoints.inFlight(),
        checkpoints.fullEvery(),
        LinkCompression.DEFAULT_LEVEL,
        true,
        checkpoints.minIntervalMillis(),
        scheduler::millis,
        bytes -> {
          Bytes32 key = da.put(bytes).blobKey();
          metrics.count("checkpoints_written_total", "Snapshots written to DA at checkpoints");
          return key;
        },
        w ->
            journal.checkpointLink(
                new JobJournal.Entry(jobId, attempt, w.step(), w.stateHash(), w.blobKey(), false),
                w.stored(),
                w.linkHash(),
                w.full()),
        (step, stateHash, key) -> {
          chain.heartbeat(jobId, step, stateHash, key);
          metrics.count("heartbeats_total", "Heartbeats posted onchain");
          jobStates.put(jobId.toString(), "checkpoint at step " + step);
          LOG.info("job {}: checkpoint at step {} heartbeated (on DA as {})", jobId, step, key);
        });
  }

  /**
   * Posts an outcome without output (a guest fault, the step limit, a rejection) as the job's
   * result: no output blob, the commitment of docs/spec/job-input.md. Re-executors check it like
   * any result; it finalizes and pays the fee like one.
   */
  private void submitOutcome(JobInfo job, JobOutcome outcome) {
    BigInteger jobId = job.jobId();
    ResultCommitment commitment = outcome.commitment();
    JobInfo now = chain.job(jobId);
    if (commitment.stepCount() < now.lastStep()) {
      // A checkpoint past the outcome's step (only a predecessor's poisoned heartbeat can be) would
      // refuse it: drop it first.
      LOG.warn(
          "job {}: the last checkpoint is at step {}, past the outcome's step {}; dropping it (restartJob)",
          jobId,
          now.lastStep(),
          commitment.stepCount());
      chain.restartJob(jobId);
      metrics.count(
          "restarts_total",
          "Jobs restarted from step 0 because their last checkpoint could not be restored");
    }
    try {
      chain.submitResult(jobId, commitment, Bytes32.ZERO);
    } catch (ContractRevertException e) {
      LOG.warn("job {}: outcome refused: {}", jobId, e.getMessage());
      jobStates.put(jobId.toString(), "outcome refused: " + e.errorName());
      return;
    }
    metrics.count("results_submitted_total", "Result commitments posted");
    switch (outcome) {
      case JobOutcome.Rejected r ->
          metrics.count(
              "jobs_rejected_total",
              "Jobs ended with a rejected outcome (digest mismatch, malformed job)");
      default ->
          metrics.count(
              "guest_faults_total", "Jobs ended with a guest fault or at their step limit");
    }
    journal.put(
        new JobJournal.Entry(
            jobId,
            job.attempt(),
            commitment.stepCount(),
            commitment.finalStateHash(),
            Bytes32.ZERO,
            true));
    jobStates.put(jobId.toString(), outcome.summary() + "; submitted " + commitment.commitment());
    LOG.info(
        "job {}: {}; posted as its result (output {}, step count {})",
        jobId,
        outcome.summary(),
        commitment.outputHash(),
        commitment.stepCount());
  }

  /**
   * A machine at the job's last checkpoint, or at step 0 when there is none. Our own snapshot is
   * tried first and a damaged one falls back to the DA copy named onchain ({@link SnapshotSource}).
   * A checkpoint whose DA copy cannot be fetched or restored either (DA lost it, or a predecessor
   * heartbeated a state hash its snapshot does not have) does not make the job unfinishable: we
   * drop it onchain (restartJob) and run from step 0, which gives the same result for a
   * deterministic job.
   */
  private Machine startMachine(JobInfo job, JobProgram program) {
    if (job.lastCheckpointBlobKey().isZero()) {
      return Execution.start(program, Optional.empty());
    }
    try {
      // Our own copy first, DA's when ours is missing or does not restore (Vm.restore checks it
      // against the onchain state hash).
      return snapshots.restore(
          new SnapshotSource.Checkpoint(job.jobId(), job.lastStep(), job.lastCheckpointBlobKey()),
          bytes ->
              Execution.start(
                  program, Optional.of(new Execution.Snapshot(bytes, job.lastStateHash()))));
    } catch (RuntimeException e) {
      restart(job, e);
      return Execution.start(program, Optional.empty());
    }
  }

  /** Drops the job's unrestorable checkpoint onchain: from now on it runs from step 0. */
  private void restart(JobInfo job, RuntimeException why) {
    LOG.warn(
        "job {}: cannot restore the checkpoint of step {} ({}): {}; restarting the job from step 0 (restartJob)",
        job.jobId(),
        job.lastStep(),
        job.lastCheckpointBlobKey(),
        why.getMessage());
    chain.restartJob(job.jobId());
    metrics.count(
        "restarts_total",
        "Jobs restarted from step 0 because their last checkpoint could not be restored");
    journal.put(
        new JobJournal.Entry(job.jobId(), job.attempt(), 0, Bytes32.ZERO, Bytes32.ZERO, false));
    jobStates.put(job.jobId().toString(), "restarted from step 0: " + why.getMessage());
  }

  /**
   * Runs a TEE job: launches the app (restoring the sealed state of the job's last heartbeat after
   * a takeover or restart), checkpoints every new sealed state to DA with a heartbeat, posts the
   * signed answer as the result.
   */
  private void runTee(JobInfo job, JobPin pin) {
    BigInteger jobId = job.jobId();
    AppInfo current = chain.app(job.appId());
    // The release pinned at submission: what this job runs even if the app was upgraded since.
    AppInfo app =
        new AppInfo(
            current.appId(),
            current.owner(),
            pin.mode(),
            pin.programDigest(),
            current.policy(),
            pin.appVersion());
    if (tee.isEmpty()) {
      // We hold the TEE role (from an earlier config) but cannot launch anything: hand the job
      // back, unslashed.
      decline(
          jobId,
          "it is a TEE job (app "
              + app.appId()
              + ") and this operator has no 'tee' section in its config");
      return;
    }
    TeeJob runner = tee.get();
    JobSource.TeeProgram program = source.fetchTee(job, pin);
    Optional<byte[]> restored = Optional.empty();
    if (!job.lastCheckpointBlobKey().isZero()) {
      try {
        byte[] sealed = source.snapshot(job.lastCheckpointBlobKey());
        if (!Hashes.keccak256(sealed).equals(job.lastStateHash())) {
          throw new InvalidInputException(
              "the sealed state on DA does not hash to the heartbeat's state hash "
                  + job.lastStateHash());
        }
        restored = Optional.of(sealed);
        LOG.info(
            "job {}: restoring the TEE app's sealed state of step {} from DA ({})",
            jobId,
            job.lastStep(),
            job.lastCheckpointBlobKey());
        lastFacts.put(
            "lastRestore",
            fact(
                "job", jobId.toString(),
                "kind", "TEE sealed state",
                "step", job.lastStep(),
                "checkpoint", job.lastCheckpointBlobKey().toString(),
                "from", "DA"));
      } catch (RuntimeException e) {
        restart(job, e);
        job = chain.job(jobId);
      }
    }
    long attempt = job.attempt();
    jobStates.put(
        jobId.toString(),
        "running TEE app " + app.appId() + " (simulated: true) from step " + job.lastStep());
    TeeJob.Outcome outcome;
    try {
      outcome =
          runner.run(
              jobId,
              attempt,
              app,
              program.envelope(),
              program.archive(),
              restored,
              job.lastStep(),
              (step, sealed) -> {
                Bytes32 key = da.put(sealed).blobKey();
                metrics.count(
                    "checkpoints_written_total", "Snapshots written to DA at checkpoints");
                chain.heartbeat(jobId, step, Hashes.keccak256(sealed), key);
                metrics.count("heartbeats_total", "Heartbeats posted onchain");
                jobStates.put(jobId.toString(), "TEE checkpoint at step " + step);
                LOG.info(
                    "job {}: TEE app sealed state {} ({} bytes on DA as {}), heartbeat posted",
                    jobId,
                    step,
                    sealed.length,
                    key);
              },
              outputHash -> chain.teeResultDigest(jobId, outputHash));
    } catch (TeeRuntime.LaunchRefusedException e) {
      if (!TeeJob.isJobLevel(e)) {
        // Ours to fix or wait out (the KMS unreachable or not trusting this install, a stale
        // clock): retry while the job is ours.
        throw new IllegalStateException(
            "job " + jobId + ": TEE launch refused: " + e.getMessage(), e);
      }
      if (pin.teeSigner().isPresent()) {
        // Only the app's wallet could end the job, and no launch of it gets keys: hand it back (the
        // next operator
        // gets the same refusal; when nobody is left the job fails and the fee is refunded, nobody
        // slashed).
        decline(
            jobId,
            "its launch is refused for the job itself ("
                + e.getMessage()
                + ") and app "
                + app.appId()
                + " takes only results signed by its wallet");
        return;
      }
      LOG.warn(
          "job {}: TEE launch refused for the job itself, ending it with a record of the refusal: {}",
          jobId,
          e.getMessage());
      outcome = TeeJob.refused(e, job.lastStep());
    }
    LOG.info("job {}: TEE app {}", jobId, outcome.summary());
    Optional<Address> signer = pin.teeSigner();
    if (signer.isPresent() && outcome.appSignature().isEmpty()) {
      // Only the app's wallet can end this job (JobManager.submitTeeResult); without keys there is
      // no result to post.
      jobStates.put(
          jobId.toString(),
          "no result: app "
              + app.appId()
              + " requires its wallet's signature and the launch got no keys");
      LOG.error(
          "job {}: app {} requires results signed by {}, and this launch got no keys: no result can be posted",
          jobId,
          app.appId(),
          signer.get());
      return;
    }
    submit(
        jobId,
        attempt,
        outcome.commitment(),
        outcome.output(),
        signer.isPresent() ? outcome.appSignature() : Optional.empty());
  }

  /**
   * Proves a ZK job (docs/spec/zk.md): the artifact and input words from DA, the witness and the
   * Groth16 proof through snarkjs, the output on DA, then submitCheckedResult, which finalizes the
   * job in that transaction. A job that cannot be proven (a malformed artifact or input, an input
   * the circuit refuses, a verifier that refuses a valid proof) is declined: there is no outcome to
   * post.
   */
  private void runZk(JobInfo job, JobPin pin) {
    BigInteger jobId = job.jobId();
    if (zk.isEmpty()) {
      decline(
          jobId,
          "it is a ZK job (app "
              + job.appId()
              + ") and this operator has no prover (node and snarkjs: run ./trustdial build)");
      return;
    }
    JobSource.ZkProgram program;
    try {
      program = source.fetchZk(job, pin);
    } catch (JobRejected e) {
      decline(jobId, e.getMessage());
      return;
    }
    long attempt = job.attempt();
    jobStates.put(jobId.toString(), "proving (ZK, attempt " + attempt + ")");
    if (faults.stallProving()) {
      LOG.warn("job {}: STALLING {} before proving (test-only fault)", jobId, Faults.STALL);
      sleep(Faults.STALL);
    }
    ZkJob.Outcome outcome = zk.get().prove(jobId, program);
    if (outcome instanceof ZkJob.Outcome.Unprovable u) {
      decline(jobId, u.reason());
      return;
    }
    ZkJob.Outcome.Proven proven = (ZkJob.Outcome.Proven) outcome;
    byte[] output = proven.output();
    if (faults.lie()) {
      output = output.clone();
      output[output.length - 1] ^= 1;
      LOG.warn(
          "job {}: LYING about the output (test-only fault): the verifier will refuse it", jobId);
    }
    Bytes32 outputKey = da.put(output).blobKey();
    TxOutcome tx;
    try {
      tx =
          chain.submitCheckedResult(
              jobId,
              program.envelope().encode(),
              output,
              proven.result().proof().encode(),
              outputKey);
    } catch (ContractRevertException e) {
      jobStates.put(jobId.toString(), "result refused: " + e.errorName());
      if (!faults.lie()
          && "ResultRefused".equals(e.errorName())
          && zk.get().verifiesLocally(proven)) {
        decline(
            jobId,
            "the verifier pinned for the job refuses a proof that the artifact's own verification key accepts");
      } else {
        LOG.warn("job {}: ZK result refused: {}", jobId, e.getMessage());
      }
      return;
    }
    metrics.count("zk_proofs_total", "ZK jobs proven and finalized onchain by this operator");
    metrics.gauge(
        "zk_prove_milliseconds",
        "Witness plus proving time of the last ZK job",
        Math.round(proven.proveSeconds() * 1000));
    journal.put(new JobJournal.Entry(jobId, attempt, 0, Bytes32.ZERO, outputKey, true));
    jobStates.put(jobId.toString(), "finalized by proof (" + tx.gasUsed() + " gas)");
    lastFacts.put(
        "lastProof",
        fact(
            "job", jobId.toString(),
            "proveMillis", Math.round(proven.proveSeconds() * 1000),
            "summary", proven.summary(),
            "outputHash", Hashes.keccak256(output).toString(),
            "output", outputKey.toString(),
            "gas", tx.gasUsed()));
    LOG.info(
        "job {}: proven in {} s ({}), output {} on DA as {}, verified onchain and finalized in one transaction ({} gas)",
        jobId,
        String.format("%.2f", proven.proveSeconds()),
        proven.summary(),
        Hashes.keccak256(output),
        outputKey,
        tx.gasUsed());
  }

  /**
   * Claims a REEXEC_OBJECTIVE job (docs/spec/objective.md): the app's pinned ObjectiveConfig, its
   * prestate and the input on the InputOracle checked ({@link ObjectiveJob}), the trace commitment
   * built (devnet: a lying one from --lie-at-step), its terminal state and trace root posted with
   * submitObjectiveResult. The keepalive thread heartbeats while the trace is built. A job that
   * cannot be claimed, or whose guest does not halt within maxSteps (no objective result), is
   * declined.
   */
  private void runObjective(JobInfo job, JobPin pin) {
    BigInteger jobId = job.jobId();
    TraceRun run;
    try {
      run = objective.honestRun(job, pin);
    } catch (ObjectiveJob.Unrunnable e) {
      decline(jobId, e.getMessage());
      return;
    }
    if (faults.lieAtStep() > 0) {
      run = run.lying(new TraceLie(faults.lieAtStep()));
      LOG.warn(
          "job {}: LYING in the trace from step {} on (test-only fault)",
          jobId,
          faults.lieAtStep());
    }
    long attempt = job.attempt();
    jobStates.put(
        jobId.toString(), "building the trace commitment (objective, attempt " + attempt + ")");
    long t0 = System.nanoTime();
    StrideTrace trace = run.strideTrace();
    if (!trace.halted()) {
      decline(
          jobId,
          "the guest does not halt within maxSteps ("
              + job.maxSteps()
              + "): the job has no objective result");
      return;
    }
    Machine m = dev.trustdial.vm.Vm.load(run.elf(), run.input(), run.config());
    m.runTo(
        job.maxSteps(),
        dev.trustdial.vm.checkpoint.CheckpointSink
            .NONE); // exited or faulted: both are objective results
    Bytes32 outputKey = da.put(m.output()).blobKey();
    ResultCommitment commitment = GamePlayer.commitmentOf(trace);
    claims.put(jobId, new Claim(trace, attempt, faults.lieAtStep()));
    TxOutcome tx;
    try {
      tx =
          chain.submitObjectiveResult(
              jobId, trace.finalState().encode(), trace.root(), trace.finalLeafProof(), outputKey);
    } catch (ContractRevertException e) {
      claims.remove(jobId);
      LOG.warn("job {}: objective result refused: {}", jobId, e.getMessage());
      jobStates.put(jobId.toString(), "result refused: " + e.errorName());
      return;
    }
    metrics.count("results_submitted_total", "Result commitments posted");
    journal.put(
        new JobJournal.Entry(
            jobId, attempt, commitment.stepCount(), commitment.finalStateHash(), outputKey, true));
    jobStates.put(jobId.toString(), "submitted objective result, trace root " + trace.root());
    LOG.info(
        "job {}: submitted objective result: halted at step {}, trace root {} (H = {}, s = {}), output {} on DA as {}, "
            + "built in {} ms, {} gas",
        jobId,
        commitment.stepCount(),
        trace.root(),
        trace.strideHeight(),
        run.shape().strideLog2(),
        commitment.outputHash(),
        outputKey,
        (System.nanoTime() - t0) / 1_000_000,
        tx.gasUsed());
  }

  /**
   * A challenge of an objective result: if it is ours, its match is journaled and played from our
   * claimed trace by the games thread; a claim this process does not hold (we restarted after
   * submitting it) is rebuilt from the job first, and must give the root we committed.
   */
  private void defend(SettlementEvent.JobChallenged c) {
    Claim claim = claims.get(c.jobId());
    boolean silent = faults.silentInGame();
    if (claim != null) {
      StrideTrace trace = claim.trace();
      matches.attach(
          new MatchRecord(
              c.disputeId(),
              c.jobId(),
              claim.attempt(),
              ObjectiveMatch.Side.OPERATOR,
              trace.root(),
              claim.lieAtStep()),
          trace);
      LOG.info(
          "job {}: challenged by {} (match {}): defending our trace root {}{}",
          c.jobId(),
          c.challenger(),
          c.disputeId(),
          trace.root(),
          silent ? " SILENTLY (test-only fault: we never move)" : "");
      return;
    }
    JobInfo job = chain.job(c.jobId());
    Optional<ResultCommitment> result = job.result();
    if (!job.resultOperator().equals(chain.account())
        || result.isEmpty()
        || chain.pin(c.jobId()).mode() != TrustMode.REEXEC_OBJECTIVE) {
      return; // not our objective result
    }
    matches.attachLater(
        new MatchRecord(
            c.disputeId(),
            c.jobId(),
            job.attempt(),
            ObjectiveMatch.Side.OPERATOR,
            result.get().checkpointRoot(),
            faults.lieAtStep()));
    LOG.info(
        "job {}: challenged by {} (match {}): rebuilding our trace (root {}) to defend it",
        c.jobId(),
        c.challenger(),
        c.disputeId(),
        result.get().checkpointRoot());
  }

  /**
   * Polls every match we defend, one move each at most per round, until each is over; re-attaches
   * rebuilt ones.
   */
  private void playGames() {
    try {
      for (MatchKeeper.Resumption r : matches.collect()) {
        switch (r) {
          case MatchKeeper.Resumed x ->
              LOG.info(
                  "job {} match {}: re-attached (trace rebuilt in {} ms, root {})",
                  x.record().jobId(),
                  x.record().disputeId(),
                  x.buildMillis(),
                  x.record().traceRoot());
          case MatchKeeper.Over x ->
              LOG.info(
                  "job {} match {}: ended while we were away: {}",
                  x.record().jobId(),
                  x.record().disputeId(),
                  x.match().verdict());
          case MatchKeeper.ResumeFailed x ->
              LOG.warn(
                  "job {} match {}: cannot rebuild our trace ({}); retrying at {}",
                  x.record().jobId(),
                  x.record().disputeId(),
                  x.error().toString(),
                  x.retryAt());
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("re-attaching matches failed: {}", ex.toString());
    }
    for (MatchKeeper.Attached a : matches.attached()) {
      BigInteger id = a.record().disputeId();
      BigInteger jobId = a.record().jobId();
      try {
        switch (a.player().poll()) {
          case GamePlayer.Moved mv -> {
            metrics.count(
                GAME_MOVES,
                GAME_MOVES_HELP,
                "move",
                mv.kind().name().toLowerCase(java.util.Locale.ROOT));
            LOG.info("job {} match {}: {} (gas {})", jobId, id, mv.kind(), mv.tx().gasUsed());
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
            boolean stands = f.verdict() == dev.trustdial.chain.Verdict.OPERATOR_WINS;
            if (!f.moot()) {
              metrics.count(
                  stands ? "matches_won_total" : "matches_lost_total",
                  stands
                      ? "ObjectiveCourt matches against our results that ended with our result standing"
                      : "ObjectiveCourt matches against our results that refuted them");
            }
            LOG.info(
                "job {} match {}: over: {}{}", jobId, id, f.verdict(), f.moot() ? " (moot)" : "");
            jobStates.put(
                jobId.toString(), "match " + id + ": " + f.verdict() + (f.moot() ? " (moot)" : ""));
          }
        }
        gameFailures.remove(id);
      } catch (RuntimeException ex) {
        int failures = gameFailures.merge(id, 1, Integer::sum);
        if (failures >= MAX_GAME_FAILURES) {
          matches.detach(id);
          gameFailures.remove(id);
          LOG.error(
              "job {} match {}: giving up after {} failed polls (its record stays: a restart tries again): {}",
              jobId,
              id,
              failures,
              ex.toString());
        } else if (Integer.bitCount(failures) == 1) {
          LOG.warn(
              "job {} match {}: poll failed ({} in a row): {}", jobId, id, failures, ex.toString());
        }
      }
    }
  }

  /**
   * Hands a job we cannot run back without penalty (JobManager.declineJob) and journals it as done
   * for us.
   */
  private void decline(BigInteger jobId, String why) {
    try {
      chain.declineJob(jobId);
    } catch (ContractRevertException e) {
      LOG.warn("job {}: decline refused: {}", jobId, e.errorName());
      return;
    }
    journal
        .job(jobId)
        .ifPresent(j ->
            journal.put(
                new JobJournal.Entry(
                    jobId, j.attempt(), j.step(), j.stateHash(), j.snapshotBlobKey(), true)));
    metrics.count(
        "declined_total", "Jobs handed back without penalty (they cannot run here or at all)");
    jobStates.put(jobId.toString(), "declined: " + why);
    LOG.warn("job {}: declined (no penalty): {}", jobId, why);
  }

  /**
   * Puts the output on DA and posts the commitment (with the test-only lie applied when
   * configured); with {@code appSignature}, through submitTeeResult (a TEE app that names its
   * signer).
   */
  private void submit(
      BigInteger jobId,
      long attempt,
      ResultCommitment commitment,
      byte[] output,
      Optional<dev.trustdial.core.crypto.Signature> appSignature) {
    if (faults.lie()) {
      // Flip one output bit: a wrong but well-formed claim that only re-execution can catch.
      output = output.length == 0 ? new byte[] {1} : output;
      output[output.length - 1] ^= 1;
      commitment =
          new ResultCommitment(
              Hashes.keccak256(output),
              commitment.finalStateHash(),
              commitment.stepCount(),
              commitment.checkpointRoot());
      LOG.warn("job {}: LYING about the output (test-only fault)", jobId);
    }
    Bytes32 outputKey = da.put(output).blobKey();
    try {
      if (appSignature.isPresent()) {
        chain.submitTeeResult(jobId, commitment, outputKey, appSignature.get());
      } else {
        chain.submitResult(jobId, commitment, outputKey);
      }
    } catch (ContractRevertException e) {
      LOG.warn("job {}: result refused: {}", jobId, e.getMessage());
      jobStates.put(jobId.toString(), "result refused: " + e.errorName());
      return;
    }
    metrics.count("results_submitted_total", "Result commitments posted");
    journal.put(
        new JobJournal.Entry(
            jobId, attempt, commitment.stepCount(), commitment.finalStateHash(), outputKey, true));
    jobStates.put(jobId.toString(), "submitted " + commitment.commitment());
    lastFacts.put(
        "lastResult",
        fact(
            "job", jobId.toString(),
            "steps", commitment.stepCount(),
            "outputHash", commitment.outputHash().toString(),
            "checkpointRoot", commitment.checkpointRoot().toString(),
            "appSigned", appSignature.isPresent()));
    LOG.info(
        "job {}: submitted result after {} steps, output {}, checkpoint root {}{}",
        jobId,
        commitment.stepCount(),
        commitment.outputHash(),
        commitment.checkpointRoot(),
        appSignature.isPresent() ? " (signed by the app wallet, checked onchain)" : "");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    jobs.stop();
    checkpointWorkers.stop();
    votes.stop();
    traceWorker.stop();
    models.close();
    for (Scheduler.Loop loop : new Scheduler.Loop[] {events, keepalive, games}) {
      if (loop != null) {
        loop.stop();
      }
    }
  }
}
