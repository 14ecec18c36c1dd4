package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ObjectiveMatch.Phase;
import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.trace.HashTree;
import dev.trustdial.vm.trace.StateAt;
import dev.trustdial.vm.trace.StepTrace;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceTree;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Plays one ObjectiveCourt match (docs/spec/objective.md §4) for one of its sides, operator (O) or
 * challenger (C), from that side's own trace (honest, or a devnet lie): each {@link #poll()} reads
 * the match and makes at most one move. On its turn it starts, bisects or opens the stride from its
 * trees (the step tree of the disputed stride is computed when the match reaches it, from the
 * trace's nearest boundary snapshot: at most spacing * S steps replayed, not i * S); at the bottom
 * it proves the step with the predecessor's state, that state's rightmost-leaf proof from its own
 * tree (the agreed subtree is shared) and the step proof, when it wins by it or must move; it ends
 * a match whose other side ran out of time ({@code timeout}) and one made moot by another match
 * ({@code closeMoot}). A player holds no state the court does not: a node that restarts creates a
 * new one from its {@link MatchJournal} record and the rebuilt trace ({@link MatchKeeper}).
 */
public final class GamePlayer {
  /** What a player does. */
  public enum Behaviour {
    /** Every move its trace calls for. */
    PLAY,
    /** Test-only: never moves (its clock runs out). */
    SILENT
  }

  /** The kinds of move, for counting and gas figures. */
  public enum MoveKind {
    START,
    BISECT_STRIDE,
    BISECT_STEP,
    OPEN_STRIDE,
    PROVE_STEP,
    TIMEOUT,
    CLOSE_MOOT
  }

  /** What one poll did. */
  public sealed interface Poll permits Moved, Waiting, Finished, Refused {}

  /** A move sent and mined. */
  public record Moved(MoveKind kind, TxOutcome tx) implements Poll {}

  /** Nothing to do now (the other side's turn, or a silent player). */
  public record Waiting(String why) implements Poll {}

  /** The match is over. */
  public record Finished(Verdict verdict, boolean moot) implements Poll {}

  /**
   * The court refused the move (simulated, nothing sent): the match changed under us; the next poll
   * re-reads it.
   */
  public record Refused(MoveKind kind, String reason) implements Poll {}

  private final GameBoard board;
  private final BigInteger disputeId;
  private final StrideTrace strides;
  private final Behaviour behaviour;
  private Side side;
  private StepTrace steps;
  private StateAt proofState;

  public GamePlayer(
      GameBoard board, BigInteger disputeId, StrideTrace strides, Behaviour behaviour) {
    this.board = board;
    this.disputeId = disputeId;
    this.strides = strides;
    this.behaviour = behaviour;
  }

  /**
   * The result commitment of a trace: what submitObjectiveResult records and what a challenger
   * posts (objective.md §5).
   */
  public static ResultCommitment commitmentOf(StrideTrace trace) {
    return new ResultCommitment(
        trace.outputDigest(), trace.finalState().hash(), trace.finalState().step(), trace.root());
  }

  /**
   * What a challenger posts with {@code challenge} (objective.md §5.1): the result commitment of
   * its trace when its run halted within maxSteps; else (its run is still going at maxSteps, or
   * halts after it) the trace root with its last state T(N * S): that state's output digest and
   * hash, and {@code stepCount = maxSteps} (JobManager refuses more). The court reads only the
   * trace root; the other fields are informational and never adopted (a refuted result re-queues
   * the job).
   */
  public static ResultCommitment challengeCommitmentOf(StrideTrace trace) {
    if (trace.halted()) {
      return commitmentOf(trace);
    }
    var last = trace.lastState();
    return new ResultCommitment(
        last.outputDigest(), last.hash(), trace.run().shape().maxSteps(), trace.root());
  }

  public BigInteger disputeId() {
    return disputeId;
  }

  /** This player's side, once the first poll has read the match. */
  public Optional<Side> side() {
    return Optional.ofNullable(side);
  }

  /** Reads the match and makes at most one move. */
  public Poll poll() {
    ObjectiveMatch m = board.match(disputeId);
    if (side == null) {
      side =
          m.sideOf(board.self())
              .orElseThrow(() ->
                  new InvalidInputException(
                      board.self()
                          + " is neither the operator nor the challenger of match "
                          + disputeId));
      if (m.strideHeight() != strides.strideHeight()
          || m.strideLog2() != strides.run().shape().strideLog2()) {
        throw new InvalidInputException(
            "match "
                + disputeId
                + " has H = "
                + m.strideHeight()
                + ", s = "
                + m.strideLog2()
                + " but our trace has H = "
                + strides.strideHeight()
                + ", s = "
                + strides.run().shape().strideLog2());
      }
    }
    if (m.done()) {
      return new Finished(m.verdict(), m.moot());
    }
    if (behaviour == Behaviour.SILENT) {
      return new Waiting("silent");
    }
    if (board.moot(m)) {
      return attempt(MoveKind.CLOSE_MOOT, () -> board.closeMoot(disputeId));
    }
    boolean myTurn = m.turn() == side;
    if (board.now() > m.deadline()) {
      return myTurn
          ? new Waiting("our clock ran out")
          : attempt(MoveKind.TIMEOUT, () -> board.timeout(disputeId));
    }
    if (m.phase() == Phase.PROVE) {
      return prove(m, myTurn);
    }
    if (!myTurn) {
      return new Waiting("the other side's turn (" + m.phase() + ")");
    }
    return switch (m.phase()) {
      case START -> start(m);
      case STRIDE_BISECT, STEP_BISECT -> bisect(m);
      case STRIDE_OPEN -> openStride(m);
      case NONE, PROVE, DONE -> throw new IllegalStateException("no move in phase " + m.phase());
    };
  }

  private Poll start(ObjectiveMatch m) {
    expect(side == Side.CHALLENGER, "only the challenger starts");
    checkMine(m.node(side), strides.root(), "trace root");
    int h = strides.strideHeight();
    if (h == 0) {
      return attempt(MoveKind.START, () -> board.start(disputeId, Bytes32.ZERO, Bytes32.ZERO));
    }
    HashTree.Children c = strides.children(h, 0);
    return attempt(MoveKind.START, () -> board.start(disputeId, c.left(), c.right()));
  }

  private Poll bisect(ObjectiveMatch m) {
    boolean stepLevel = m.phase() == Phase.STEP_BISECT;
    TraceTree tree = stepLevel ? stepTree(m.strideIndex()) : strides;
    long index = stepLevel ? m.stepIndex() : m.strideIndex();
    int level = m.level();
    expect(level >= 1, "a bisect above the leaves");
    HashTree.Children mine = tree.children(level, index);
    checkMine(
        m.node(side),
        mine.parent(),
        (stepLevel ? "step" : "stride") + " node (" + level + ", " + index + ")");
    boolean right = mine.left().equals(m.revealedLeft());
    expect(
        !right || !mine.right().equals(m.revealedRight()),
        "our children equal the revealed ones although our nodes differ");
    long next = 2 * index + (right ? 1 : 0);
    Bytes32 nextLeft = Bytes32.ZERO;
    Bytes32 nextRight = Bytes32.ZERO;
    if (level - 1 > 0) {
      HashTree.Children c = tree.children(level - 1, next);
      nextLeft = c.left();
      nextRight = c.right();
    }
    Bytes32 nl = nextLeft;
    Bytes32 nr = nextRight;
    return attempt(
        stepLevel ? MoveKind.BISECT_STEP : MoveKind.BISECT_STRIDE,
        () -> board.bisect(disputeId, mine.left(), mine.right(), nl, nr));
  }

  private Poll openStride(ObjectiveMatch m) {
    long i = m.strideIndex();
    int s = m.strideLog2();
    checkMine(m.node(side), strides.leaf(i), "stride leaf " + i);
    StepTrace st = stepTree(i);
    List<Bytes32> proof = st.rightmostProof(s, 0);
    checkMine(
        st.root(),
        HashTree.climbRight(strides.leaf(i), proof),
        "step tree of stride " + i + " (its last leaf is the stride leaf)");
    HashTree.Children c = st.children(s, 0);
    return attempt(
        MoveKind.OPEN_STRIDE,
        () -> board.openStride(disputeId, st.root(), proof, c.left(), c.right()));
  }

  /**
   * The step t -> t + 1 (t = stepNumber): our T(t) is the agreed predecessor; we prove when the
   * true successor is our leaf (we win) or when it is our turn (our clock runs while we wait).
   */
  private Poll prove(ObjectiveMatch m, boolean myTurn) {
    long t = m.stepNumber();
    if (proofState == null || proofState.time() != t) {
      proofState = strides.stateAt(t);
    }
    List<Bytes32> proof;
    if (m.stepWentRight()) {
      int h = m.stepAgreedHeight();
      proof = stepTree(m.strideIndex()).rightmostProof(h, (m.stepIndex() >> h) - 1);
    } else if (m.strideWentRight()) {
      int h = m.strideAgreedHeight();
      proof = strides.rightmostProof(h, (m.strideIndex() >> h) - 1);
    } else {
      proof = List.of();
    }
    byte[] pre = proofState.encoded();
    ObjectiveCourtClient.Predecessor p = board.predecessorOf(disputeId);
    expect(
        p.proofLength() == proof.size(),
        "the predecessor proof has "
            + proof.size()
            + " siblings, the court wants "
            + p.proofLength());
    checkMine(
        p.hash(), HashTree.climbRight(Hashes.keccak256(pre), proof), "predecessor T(" + t + ")");
    boolean wins = proofState.successorHash().equals(m.node(side));
    if (!wins && !myTurn) {
      return new Waiting(
          "the step "
              + t
              + " -> "
              + (t + 1)
              + " does not give our leaf; the other side's clock runs");
    }
    List<Bytes32> pp = proof;
    return attempt(
        MoveKind.PROVE_STEP, () -> board.proveStep(disputeId, pre, pp, proofState.proof()));
  }

  private StepTrace stepTree(long strideIndex) {
    if (steps == null || steps.strideIndex() != strideIndex) {
      steps = strides.stepTrace(strideIndex);
    }
    return steps;
  }

  private Poll attempt(MoveKind kind, java.util.function.Supplier<TxOutcome> move) {
    try {
      return new Moved(kind, move.get());
    } catch (InvalidInputException e) {
      return new Refused(kind, e.getMessage());
    }
  }

  /**
   * Our committed node in the match must be what our own trace gives: else we play another trace
   * than we committed.
   */
  private void checkMine(Bytes32 committed, Bytes32 ours, String what) {
    if (!committed.equals(ours)) {
      throw new IllegalStateException(
          "match "
              + disputeId
              + ": our "
              + what
              + " is "
              + ours
              + " but the match holds "
              + committed
              + " for our side ("
              + side
              + ")");
    }
  }

  private void expect(boolean ok, String why) {
    if (!ok) {
      throw new IllegalStateException("match " + disputeId + ": " + why);
    }
  }
}
