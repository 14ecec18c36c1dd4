package dev.trustdial.sim.chain;

import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ObjectiveMatch.Phase;
import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.witness.WitnessChecker;
import dev.trustdial.vm.witness.WitnessRejected;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REEXEC_OBJECTIVE contracts of {@link SimChain}: ObjectiveCourt (the bisection game of
 * docs/spec/objective.md §4, one match per challenge, its one-step proof checked by the Java step
 * function {@link WitnessChecker}, which vectors keep equal to RiscvStep.sol), the calldata half of
 * InputOracle, and the immutable ObjectiveConfig contracts. Each method is one rule of the
 * contract: it checks everything first and throws {@link ContractRevertException} with the
 * contract's error name, then applies; SimChain wraps the effects in a transaction. The court's own
 * events (MatchOpened, Bisected, ...) are not recorded (the node reads matches, not those events);
 * JobManager's (JobChallenged, DisputeResolved, ...) are.
 */
final class SimObjectiveCourt {
  /** ObjectiveCourt.STATE_BYTES (vm.md §5). */
  static final int STATE_BYTES = 296;

  /** InputOracle.MAX_ENVELOPE. */
  static final int MAX_ENVELOPE = 65_588;

  /** JobManager's fields of a job the court reads (ObjectiveCourt.JobView and pinOf). */
  record JobView(
      BigInteger jobId,
      Bytes32 inputBlobKey,
      Bytes32 inputDigest,
      long maxSteps,
      JobStatus status,
      long attempt,
      Bytes32 checkpointRoot,
      TrustMode mode,
      Bytes32 programDigest,
      Address appConfig) {}

  /** What the court needs of JobManager. */
  interface Jobs {
    /** JobManager.getJob and pinOf; reverts UnknownJob. */
    JobView job(String action, BigInteger jobId);

    /**
     * JobManager.resolveDispute called by this court (inside its transaction): returns the pool
     * sent to the court and whether the dispute was moot.
     */
    Resolution resolveDispute(BigInteger disputeId, Verdict verdict);

    /** Moves tokens the court holds (the voter pool it burns). */
    void transfer(Address from, Address to, BigInteger amount);
  }

  record Resolution(BigInteger pool, boolean moot) {}

  private final Address self;
  private final long clock;
  private final long stepExtension;
  private final Jobs jobs;
  private final Map<BigInteger, Match> matches = new HashMap<>();
  private final Map<Address, ObjectiveAppConfig> configs = new HashMap<>();
  private final List<Address> configOrder = new ArrayList<>();
  private final Map<Bytes32, ObjectiveApps.InputEntry> inputs = new HashMap<>();

  SimObjectiveCourt(Address self, long clock, long stepExtension, Jobs jobs) {
    if (clock <= 0) {
      throw new IllegalArgumentException("the court's clock must be positive, got " + clock);
    }
    this.self = self;
    this.clock = clock;
    this.stepExtension = stepExtension;
    this.jobs = jobs;
  }

  Address address() {
    return self;
  }

  long clockSeconds() {
    return clock;
  }

  long stepExtensionSeconds() {
    return stepExtension;
  }

  // ------------------------------------------------------------------ ObjectiveConfig, InputOracle

  /**
   * A new ObjectiveConfig contract (the config validated its constructor's rules already) at {@code
   * at}, else at an address derived from the deployment count.
   */
  Address deployConfig(ObjectiveAppConfig config, Optional<Address> at) {
    byte[] h =
        Hashes.keccak256(
                ("trustdial-sim/ObjectiveConfig/" + configOrder.size())
                    .getBytes(StandardCharsets.US_ASCII))
            .bytes();
    Address a = at.orElse(new Address(Arrays.copyOfRange(h, 12, 32)));
    if (configs.containsKey(a)) {
      throw new IllegalArgumentException("a config lives at " + a + " already");
    }
    configs.put(a, config);
    configOrder.add(a);
    return a;
  }

  boolean isConfig(Address a) {
    return configs.containsKey(a);
  }

  Optional<ObjectiveAppConfig> config(Address a) {
    return Optional.ofNullable(configs.get(a));
  }

  /**
   * InputOracle.postInput's checks; returns the digest. Throws the oracle's errors (action
   * "postInput").
   */
  Bytes32 checkEnvelope(byte[] envelope) {
    if (envelope.length > MAX_ENVELOPE) {
      throw SimChain.revertOf("postInput", "EnvelopeTooLarge", envelope.length, MAX_ENVELOPE);
    }
    if (envelope.length < JobEnvelope.HEADER
        || !Arrays.equals(
            Arrays.copyOf(envelope, 8), "TDJOBIN1".getBytes(StandardCharsets.US_ASCII))
        || Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(envelope, 48, 4).getInt())
            != envelope.length - JobEnvelope.HEADER) {
      throw SimChain.revertOf("postInput", "BadEnvelope");
    }
    return Hashes.keccak256(envelope);
  }

  /**
   * InputOracle.postInput's effects (after {@link #checkEnvelope}); false when the envelope was
   * posted before (a no-op).
   */
  boolean postInput(byte[] envelope, long block) {
    Bytes32 digest = Hashes.keccak256(envelope);
    if (inputs.containsKey(digest)) {
      return false;
    }
    byte[] input = Arrays.copyOfRange(envelope, JobEnvelope.HEADER, envelope.length);
    inputs.put(digest, new ObjectiveApps.InputEntry(VmInput.of(input).root(), input.length, block));
    return true;
  }

  Optional<ObjectiveApps.InputEntry> inputOf(Bytes32 digest) {
    return Optional.ofNullable(inputs.get(digest));
  }

  // ------------------------------------------------------------------ job parameters and states

  /** ObjectiveCourt.JobParams of a job. */
  private record Params(
      long entryPc,
      long ramEnd,
      long outputLimit,
      int strideLog2,
      Bytes32 imageRoot,
      Bytes32 inputRoot,
      long inputLength) {}

  /** ObjectiveCourt.jobParams: the pinned config (for the pinned program) and the posted input. */
  private Params jobParams(String action, JobView job) {
    if (job.mode() != TrustMode.REEXEC_OBJECTIVE || job.appConfig().isZero()) {
      throw SimChain.revertOf(action, "NotObjectiveJob", job.jobId());
    }
    ObjectiveAppConfig c = configs.get(job.appConfig());
    if (c == null) {
      throw new IllegalStateException("job " + job.jobId() + " pins a config that is not one");
    }
    if (!c.programDigest().equals(job.programDigest())) {
      throw SimChain.revertOf(action, "ProgramMismatch", c.programDigest(), job.programDigest());
    }
    if (c.blobInputs()) {
      throw new UnsupportedOperationException(
          "objective apps with blob inputs (EIP-4844) are not modelled by the simulator");
    }
    ObjectiveApps.InputEntry in = inputs.get(job.inputDigest());
    if (in == null) {
      throw SimChain.revertOf(action, "InputNotPosted", job.inputDigest());
    }
    return new Params(
        c.entryPc(),
        c.ramEnd(),
        c.outputLimit(),
        c.strideLog2(),
        c.imageRoot(),
        in.inputRoot(),
        in.inputLength());
  }

  /** ObjectiveCourt.prestate: the job's initial state encoding. */
  byte[] prestate(String action, BigInteger jobId) {
    Params p = jobParams(action, jobs.job(action, jobId));
    byte[] st = new byte[STATE_BYTES];
    put(st, 0, p.entryPc(), 4);
    System.arraycopy(p.imageRoot().bytes(), 0, st, 132, 32);
    System.arraycopy(p.inputRoot().bytes(), 0, st, 164, 32);
    put(st, 196, p.inputLength(), 4);
    put(st, 272, p.outputLimit(), 4);
    put(st, 276, p.ramEnd(), 4);
    return st;
  }

  Bytes32 prestateHash(String action, BigInteger jobId) {
    return Hashes.keccak256(prestate(action, jobId));
  }

  /**
   * IObjectiveCourt.checkResult: the commitment JobManager records for a valid terminal state of
   * the job whose hash is the rightmost stride leaf of {@code traceRoot}.
   */
  ResultCommitment checkResult(
      String action, JobView job, byte[] st, Bytes32 traceRoot, List<Bytes32> finalLeafProof) {
    Params p = jobParams(action, job);
    checkState(action, st);
    if (field(st, 288, 4) == 0) {
      throw SimChain.revertOf(action, "NotTerminal");
    }
    long step = field(st, 280, 8);
    if (Long.compareUnsigned(step, job.maxSteps()) > 0) {
      throw SimChain.revertOf(action, "TooManySteps", Long.toUnsignedString(step), job.maxSteps());
    }
    if (!new Bytes32(Arrays.copyOfRange(st, 164, 196)).equals(p.inputRoot())
        || field(st, 196, 4) != p.inputLength()
        || field(st, 272, 4) != p.outputLimit()
        || field(st, 276, 4) != p.ramEnd()) {
      throw SimChain.revertOf(action, "StateNotOfJob", job.jobId());
    }
    int h = strideHeight(job.maxSteps(), p.strideLog2());
    Bytes32 finalStateHash = Hashes.keccak256(st);
    if (finalLeafProof.size() != h
        || !climbRight(finalStateHash, finalLeafProof).equals(traceRoot)) {
      throw SimChain.revertOf(action, "BadFinalLeafProof");
    }
    return new ResultCommitment(
        Hashes.keccak256(Arrays.copyOfRange(st, 204, 272)), finalStateHash, step, traceRoot);
  }

  /** ObjectiveCourt._checkState (vm.md §5 validity). */
  private static void checkState(String action, byte[] st) {
    if (st.length != STATE_BYTES) {
      throw SimChain.revertOf(action, "BadState");
    }
    long outputLength = field(st, 268, 4);
    boolean bufOk;
    int rem = (int) (outputLength % 32);
    if (rem == 0) {
      bufOk = allZero(st, 236, 268);
    } else {
      bufOk = allZero(st, 236 + rem, 268);
    }
    long ramEnd = field(st, 276, 4);
    long status = field(st, 288, 4);
    long exitCode = field(st, 292, 4);
    if (field(st, 4, 4) != 0
        || field(st, 200, 4) > field(st, 196, 4)
        || outputLength > field(st, 272, 4)
        || !bufOk
        || ramEnd % 4096 != 0
        || ramEnd <= 0x0001_0000L
        || ramEnd > 0x8000_0000L
        || field(st, 280, 8) < 0
        || status > 2
        || (status == 0 && exitCode != 0)
        || (status == 2 && (exitCode == 0 || exitCode > 5))) {
      throw SimChain.revertOf(action, "BadState");
    }
  }

  // ------------------------------------------------------------------ matches

  private static final class Match {
    BigInteger disputeId;
    BigInteger jobId;
    Address operator;
    Address challenger;
    long attempt;
    Phase phase = Phase.NONE;
    Side turn = Side.CHALLENGER;
    int level;
    int strideHeight;
    int strideLog2;
    int strideAgreedHeight;
    int stepAgreedHeight;
    int stepRootsPosted;
    long lastMove;
    Verdict verdict = Verdict.NONE;
    boolean moot;
    boolean strideWentRight;
    boolean stepWentRight;
    long clockO;
    long clockC;
    long strideIndex;
    long stepIndex;
    Bytes32 nodeO = Bytes32.ZERO;
    Bytes32 nodeC = Bytes32.ZERO;
    Bytes32 revealedLeft = Bytes32.ZERO;
    Bytes32 revealedRight = Bytes32.ZERO;
    Bytes32 strideAgreed = Bytes32.ZERO;
    Bytes32 stepAgreed = Bytes32.ZERO;
    Bytes32 stepRootO = Bytes32.ZERO;
    Bytes32 stepRootC = Bytes32.ZERO;

    ObjectiveMatch view() {
      return new ObjectiveMatch(
          disputeId,
          jobId,
          operator,
          challenger,
          attempt,
          phase,
          turn,
          level,
          strideHeight,
          strideLog2,
          strideIndex,
          stepIndex,
          nodeO,
          nodeC,
          revealedLeft,
          revealedRight,
          strideWentRight,
          strideAgreed,
          strideAgreedHeight,
          stepWentRight,
          stepAgreed,
          stepAgreedHeight,
          stepRootsPosted,
          stepRootO,
          stepRootC,
          clockO,
          clockC,
          lastMove,
          verdict,
          moot);
    }

    Address sideToMove() {
      return turn == Side.OPERATOR ? operator : challenger;
    }

    long clockOfTurn() {
      return turn == Side.OPERATOR ? clockO : clockC;
    }
  }

  /**
   * ObjectiveCourt.openDispute's checks (inside JobManager.challenge): the two trace roots differ.
   */
  void checkOpen(String action, BigInteger disputeId, JobView job, Bytes32 rootC) {
    if (matches.containsKey(disputeId)) {
      throw SimChain.revertOf(action, "DisputeExists", disputeId);
    }
    if (job.checkpointRoot().equals(rootC)) {
      throw SimChain.revertOf(action, "SameTraceRoot", disputeId);
    }
    if (!configs.containsKey(job.appConfig())) {
      throw new IllegalStateException("job " + job.jobId() + " pins a config that is not one");
    }
  }

  /** ObjectiveCourt.openDispute's effects: C moves first, its clock runs from now. */
  void open(
      BigInteger disputeId,
      JobView job,
      long attempt,
      Bytes32 rootC,
      Address operator,
      Address challenger,
      long now) {
    int s = configs.get(job.appConfig()).strideLog2();
    int h = strideHeight(job.maxSteps(), s);
    Match m = new Match();
    m.disputeId = disputeId;
    m.jobId = job.jobId();
    m.attempt = attempt;
    m.phase = Phase.START;
    m.turn = Side.CHALLENGER;
    m.level = h;
    m.strideHeight = h;
    m.strideLog2 = s;
    m.lastMove = now;
    m.clockO = clock;
    m.clockC = clock;
    m.nodeO = job.checkpointRoot();
    m.nodeC = rootC;
    m.operator = operator;
    m.challenger = challenger;
    matches.put(disputeId, m);
  }

  ObjectiveMatch match(BigInteger disputeId) {
    return existing("getMatch", disputeId).view();
  }

  ObjectiveCourtClient.Predecessor predecessorOf(BigInteger disputeId) {
    Match m = existing("predecessorOf", disputeId);
    if (m.stepWentRight) {
      return new ObjectiveCourtClient.Predecessor(m.stepAgreed, m.stepAgreedHeight, false);
    }
    if (m.strideWentRight) {
      return new ObjectiveCourtClient.Predecessor(m.strideAgreed, m.strideAgreedHeight, false);
    }
    return new ObjectiveCourtClient.Predecessor(prestateHash("predecessorOf", m.jobId), 0, true);
  }

  /** Every match, for invariant checks. */
  List<ObjectiveMatch> matches() {
    return matches.values().stream()
        .map(Match::view)
        .sorted(java.util.Comparator.comparing(ObjectiveMatch::disputeId))
        .toList();
  }

  /**
   * A move, checked in full by {@code check} (which throws the court's revert) before its effects
   * run; SimChain runs the returned effects inside a transaction.
   */
  Runnable start(Address sender, long now, BigInteger disputeId, Bytes32 left, Bytes32 right) {
    final String action = "start";
    Match m = inPhase(action, disputeId, Phase.START);
    checkMove(action, m, sender, now);
    if (m.strideHeight == 0) {
      if (!left.isZero() || !right.isZero()) {
        throw SimChain.revertOf(action, "BadChildren", disputeId);
      }
      return () -> {
        move(m, now);
        strideLeafReached(m);
      };
    }
    if (!pair(left, right).equals(m.nodeC)) {
      throw SimChain.revertOf(action, "BadChildren", disputeId);
    }
    return () -> {
      move(m, now);
      m.revealedLeft = left;
      m.revealedRight = right;
      m.phase = Phase.STRIDE_BISECT;
    };
  }

  Runnable bisect(
      Address sender,
      long now,
      BigInteger disputeId,
      Bytes32 myLeft,
      Bytes32 myRight,
      Bytes32 nextLeft,
      Bytes32 nextRight) {
    final String action = "bisect";
    Match m = existing(action, disputeId);
    if (m.phase != Phase.STRIDE_BISECT && m.phase != Phase.STEP_BISECT) {
      throw SimChain.revertOf(action, "WrongPhase", disputeId, m.phase.ordinal());
    }
    checkMove(action, m, sender, now);
    Side side = m.turn;
    boolean stepLevel = m.phase == Phase.STEP_BISECT;
    if (!pair(myLeft, myRight).equals(side == Side.OPERATOR ? m.nodeO : m.nodeC)) {
      throw SimChain.revertOf(action, "BadChildren", disputeId);
    }
    boolean right = myLeft.equals(m.revealedLeft);
    Bytes32 mine = right ? myRight : myLeft;
    int level = m.level - 1;
    if (level != 0) {
      if (!pair(nextLeft, nextRight).equals(mine)) {
        throw SimChain.revertOf(action, "BadNextChildren", disputeId);
      }
    } else if (!nextLeft.isZero() || !nextRight.isZero()) {
      throw SimChain.revertOf(action, "BadNextChildren", disputeId);
    }
    return () -> {
      move(m, now);
      Bytes32 theirs = right ? m.revealedRight : m.revealedLeft;
      if (side == Side.OPERATOR) {
        m.nodeO = mine;
        m.nodeC = theirs;
      } else {
        m.nodeO = theirs;
        m.nodeC = mine;
      }
      m.level = level;
      long bit = right ? 1 : 0;
      if (stepLevel) {
        m.stepIndex = m.stepIndex * 2 + bit;
        if (right) {
          m.stepAgreed = myLeft;
          m.stepAgreedHeight = level;
          m.stepWentRight = true;
        }
      } else {
        m.strideIndex = m.strideIndex * 2 + bit;
        if (right) {
          m.strideAgreed = myLeft;
          m.strideAgreedHeight = level;
          m.strideWentRight = true;
        }
      }
      if (level != 0) {
        m.revealedLeft = nextLeft;
        m.revealedRight = nextRight;
      } else if (stepLevel) {
        m.phase = Phase.PROVE;
      } else {
        strideLeafReached(m);
      }
    };
  }

  Runnable openStride(
      Address sender,
      long now,
      BigInteger disputeId,
      Bytes32 stepRoot,
      List<Bytes32> lastLeafProof,
      Bytes32 left,
      Bytes32 right) {
    final String action = "openStride";
    Match m = inPhase(action, disputeId, Phase.STRIDE_OPEN);
    checkMove(action, m, sender, now);
    Side side = m.turn;
    Bytes32 leaf = side == Side.OPERATOR ? m.nodeO : m.nodeC;
    if (lastLeafProof.size() != m.strideLog2 || !climbRight(leaf, lastLeafProof).equals(stepRoot)) {
      throw SimChain.revertOf(action, "BadStepRoot", disputeId);
    }
    if (!pair(left, right).equals(stepRoot)) {
      throw SimChain.revertOf(action, "BadChildren", disputeId);
    }
    return () -> {
      move(m, now);
      if (side == Side.OPERATOR) {
        m.stepRootO = stepRoot;
        m.nodeO = stepRoot;
      } else {
        m.stepRootC = stepRoot;
        m.nodeC = stepRoot;
      }
      if (++m.stepRootsPosted == 2) {
        m.revealedLeft = left;
        m.revealedRight = right;
        m.level = m.strideLog2;
        m.phase = Phase.STEP_BISECT;
      }
    };
  }

  Runnable proveStep(
      Address sender,
      long now,
      BigInteger disputeId,
      byte[] preState,
      List<Bytes32> predecessorProof,
      byte[] stepProof) {
    final String action = "proveStep";
    Match m = inPhase(action, disputeId, Phase.PROVE);
    if (!sender.equals(m.operator) && !sender.equals(m.challenger)) {
      throw SimChain.revertOf(action, "NotAParty", disputeId, sender);
    }
    if (now - m.lastMove > m.clockOfTurn()) {
      throw SimChain.revertOf(action, "ClockExpired", disputeId, m.sideToMove());
    }
    ObjectiveCourtClient.Predecessor p = predecessorOf(disputeId);
    if (predecessorProof.size() != p.proofLength()
        || !climbRight(Hashes.keccak256(preState), predecessorProof).equals(p.hash())) {
      throw SimChain.revertOf(action, "BadPredecessor", disputeId);
    }
    WitnessChecker.Result r;
    try {
      r = WitnessChecker.step(preState, stepProof);
    } catch (WitnessRejected e) {
      // RiscvStep's BadState(why) or BadProof(why, record): the model names the error, its reason
      // in words.
      throw SimChain.revertOf(
          action, e.getMessage().contains("pre-state") ? "BadState" : "BadProof", e.getMessage());
    }
    Bytes32 post = r.postStateHash();
    Verdict verdict =
        post.equals(m.nodeO)
            ? Verdict.OPERATOR_WINS
            : post.equals(m.nodeC) ? Verdict.OPERATOR_REFUTED : Verdict.BOTH_WRONG;
    return () -> resolve(m, verdict);
  }

  Runnable timeout(long now, BigInteger disputeId) {
    final String action = "timeout";
    Match m = existing(action, disputeId);
    if (m.phase == Phase.DONE) {
      throw SimChain.revertOf(action, "WrongPhase", disputeId, Phase.DONE.ordinal());
    }
    long deadline = m.lastMove + m.clockOfTurn();
    if (now <= deadline) {
      throw SimChain.revertOf(action, "ClockRunning", disputeId, deadline);
    }
    Verdict v = m.turn == Side.OPERATOR ? Verdict.OPERATOR_REFUTED : Verdict.OPERATOR_WINS;
    return () -> resolve(m, v);
  }

  /** Whether closeMoot would succeed now (the job left DISPUTED at the match's attempt). */
  boolean moot(ObjectiveMatch m) {
    if (m.done()) {
      return false;
    }
    JobView job = jobs.job("getJob", m.jobId());
    return job.status() != JobStatus.DISPUTED || job.attempt() != m.attempt();
  }

  Runnable closeMoot(BigInteger disputeId) {
    final String action = "closeMoot";
    Match m = existing(action, disputeId);
    if (m.phase == Phase.DONE) {
      throw SimChain.revertOf(action, "WrongPhase", disputeId, Phase.DONE.ordinal());
    }
    if (!moot(m.view())) {
      throw SimChain.revertOf(action, "NotMoot", disputeId);
    }
    return () -> resolve(m, Verdict.NONE);
  }

  // ------------------------------------------------------------------ internal

  private Match existing(String action, BigInteger disputeId) {
    Match m = matches.get(disputeId);
    if (m == null) {
      throw SimChain.revertOf(action, "UnknownDispute", disputeId);
    }
    return m;
  }

  private Match inPhase(String action, BigInteger disputeId, Phase phase) {
    Match m = existing(action, disputeId);
    if (m.phase != phase) {
      throw SimChain.revertOf(action, "WrongPhase", disputeId, m.phase.ordinal());
    }
    return m;
  }

  /** ObjectiveCourt._move's checks: the sender is the side to move and has time left. */
  private static void checkMove(String action, Match m, Address sender, long now) {
    Address expected = m.sideToMove();
    if (!sender.equals(expected)) {
      throw SimChain.revertOf(action, "NotYourTurn", m.disputeId, sender, expected);
    }
    if (now - m.lastMove > m.clockOfTurn()) {
      throw SimChain.revertOf(action, "ClockExpired", m.disputeId, expected);
    }
  }

  /** ObjectiveCourt._move's effects: charges the mover's clock and passes the turn. */
  private static void move(Match m, long now) {
    long elapsed = now - m.lastMove;
    if (m.turn == Side.OPERATOR) {
      m.clockO -= elapsed;
      m.turn = Side.CHALLENGER;
    } else {
      m.clockC -= elapsed;
      m.turn = Side.OPERATOR;
    }
    m.lastMove = now;
  }

  private void strideLeafReached(Match m) {
    if (m.strideLog2 == 0) {
      m.phase = Phase.PROVE;
      return;
    }
    m.phase = Phase.STRIDE_OPEN;
    m.clockO += stepExtension;
    m.clockC += stepExtension;
  }

  private void resolve(Match m, Verdict verdict) {
    m.phase = Phase.DONE;
    m.verdict = verdict;
    Resolution r = jobs.resolveDispute(m.disputeId, verdict);
    m.moot = r.moot();
    // No voters in this mode: a voter pool is burned.
    if (r.pool().signum() != 0) {
      jobs.transfer(self, SimChain.BURN_ADDRESS, r.pool());
    }
  }

  /** ObjectiveCourt.strideHeight: the smallest h with 2^(h + s) >= maxSteps. */
  static int strideHeight(long maxSteps, int s) {
    int h = 0;
    while (h + s < 64 && (1L << (h + s)) < maxSteps) {
      h++;
    }
    return h;
  }

  static Bytes32 climbRight(Bytes32 leaf, List<Bytes32> leftSiblings) {
    Bytes32 node = leaf;
    for (Bytes32 s : leftSiblings) {
      node = pair(s, node);
    }
    return node;
  }

  private static Bytes32 pair(Bytes32 left, Bytes32 right) {
    return Hashes.keccak256(left.bytes(), right.bytes());
  }

  private static long field(byte[] st, int offset, int len) {
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (st[offset + i] & 0xff);
    }
    return v;
  }

  private static boolean allZero(byte[] st, int from, int to) {
    for (int i = from; i < to; i++) {
      if (st[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static void put(byte[] st, int offset, long value, int len) {
    for (int i = len - 1; i >= 0; i--) {
      st[offset + i] = (byte) value;
      value >>>= 8;
    }
  }
}
