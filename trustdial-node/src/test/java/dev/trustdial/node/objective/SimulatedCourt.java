package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ObjectiveMatch.Phase;
import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.trace.HashTree;
import dev.trustdial.vm.witness.WitnessChecker;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory ObjectiveCourt (a line-by-line mirror of the contract's match logic, the step by the
 * independent WitnessChecker) behind {@link GameBoard}, with a hand-driven clock: the players'
 * logic without a chain. Refusals throw InvalidInputException, as the chain client's simulated
 * reverts do.
 */
final class SimulatedCourt {
  final long clock;
  final long stepExtension;
  long now = 1_000;
  private final Map<BigInteger, M> matches = new HashMap<>();

  SimulatedCourt(long clock, long stepExtension) {
    this.clock = clock;
    this.stepExtension = stepExtension;
  }

  private static final class M {
    BigInteger id;
    Address operator;
    Address challenger;
    Phase phase = Phase.START;
    Side turn = Side.CHALLENGER;
    int level;
    int h;
    int s;
    long strideIndex;
    long stepIndex;
    Bytes32 nodeO;
    Bytes32 nodeC;
    Bytes32 revL = Bytes32.ZERO;
    Bytes32 revR = Bytes32.ZERO;
    boolean strideRight;
    Bytes32 strideAgreed = Bytes32.ZERO;
    int strideAgreedH;
    boolean stepRight;
    Bytes32 stepAgreed = Bytes32.ZERO;
    int stepAgreedH;
    int posted;
    long clockO;
    long clockC;
    long lastMove;
    Verdict verdict = Verdict.NONE;
    Bytes32 prestateHash;
  }

  BigInteger open(
      Address operator,
      Address challenger,
      Bytes32 rootO,
      Bytes32 rootC,
      int h,
      int s,
      Bytes32 prestateHash) {
    if (rootO.equals(rootC)) {
      throw new InvalidInputException("SameTraceRoot");
    }
    M m = new M();
    m.id = BigInteger.valueOf(matches.size() + 1);
    m.operator = operator;
    m.challenger = challenger;
    m.level = h;
    m.h = h;
    m.s = s;
    m.nodeO = rootO;
    m.nodeC = rootC;
    m.clockO = clock;
    m.clockC = clock;
    m.lastMove = now;
    m.prestateHash = prestateHash;
    matches.put(m.id, m);
    return m.id;
  }

  GameBoard board(Address self) {
    return new GameBoard() {
      @Override
      public Address self() {
        return self;
      }

      @Override
      public long now() {
        return now;
      }

      @Override
      public ObjectiveMatch match(BigInteger id) {
        M m = get(id);
        return new ObjectiveMatch(
            id,
            BigInteger.ONE,
            m.operator,
            m.challenger,
            0,
            m.phase,
            m.turn,
            m.level,
            m.h,
            m.s,
            m.strideIndex,
            m.stepIndex,
            m.nodeO,
            m.nodeC,
            m.revL,
            m.revR,
            m.strideRight,
            m.strideAgreed,
            m.strideAgreedH,
            m.stepRight,
            m.stepAgreed,
            m.stepAgreedH,
            m.posted,
            Bytes32.ZERO,
            Bytes32.ZERO,
            m.clockO,
            m.clockC,
            m.lastMove,
            m.verdict,
            false);
      }

      @Override
      public ObjectiveCourtClient.Predecessor predecessorOf(BigInteger id) {
        M m = get(id);
        if (m.stepRight) {
          return new ObjectiveCourtClient.Predecessor(m.stepAgreed, m.stepAgreedH, false);
        }
        if (m.strideRight) {
          return new ObjectiveCourtClient.Predecessor(m.strideAgreed, m.strideAgreedH, false);
        }
        return new ObjectiveCourtClient.Predecessor(m.prestateHash, 0, true);
      }

      @Override
      public boolean moot(ObjectiveMatch match) {
        return false;
      }

      @Override
      public TxOutcome start(BigInteger id, Bytes32 left, Bytes32 right) {
        M m = inPhase(id, Phase.START);
        move(m, self);
        if (m.h == 0) {
          require(left.isZero() && right.isZero(), "BadChildren");
          strideLeafReached(m);
        } else {
          require(parent(left, right).equals(m.nodeC), "BadChildren");
          m.revL = left;
          m.revR = right;
          m.phase = Phase.STRIDE_BISECT;
        }
        return tx("start");
      }

      @Override
      public TxOutcome bisect(
          BigInteger id, Bytes32 myLeft, Bytes32 myRight, Bytes32 nextLeft, Bytes32 nextRight) {
        M m = get(id);
        require(m.phase == Phase.STRIDE_BISECT || m.phase == Phase.STEP_BISECT, "WrongPhase");
        Side side = move(m, self);
        boolean stepLevel = m.phase == Phase.STEP_BISECT;
        require(
            parent(myLeft, myRight).equals(side == Side.OPERATOR ? m.nodeO : m.nodeC),
            "BadChildren");
        boolean right = myLeft.equals(m.revL);
        Bytes32 mine = right ? myRight : myLeft;
        Bytes32 theirs = right ? m.revR : m.revL;
        if (side == Side.OPERATOR) {
          m.nodeO = mine;
          m.nodeC = theirs;
        } else {
          m.nodeC = mine;
          m.nodeO = theirs;
        }
        m.level--;
        if (stepLevel) {
          m.stepIndex = 2 * m.stepIndex + (right ? 1 : 0);
          if (right) {
            m.stepAgreed = myLeft;
            m.stepAgreedH = m.level;
            m.stepRight = true;
          }
        } else {
          m.strideIndex = 2 * m.strideIndex + (right ? 1 : 0);
          if (right) {
            m.strideAgreed = myLeft;
            m.strideAgreedH = m.level;
            m.strideRight = true;
          }
        }
        if (m.level != 0) {
          require(parent(nextLeft, nextRight).equals(mine), "BadNextChildren");
          m.revL = nextLeft;
          m.revR = nextRight;
        } else {
          require(nextLeft.isZero() && nextRight.isZero(), "BadNextChildren");
          if (stepLevel) {
            m.phase = Phase.PROVE;
          } else {
            strideLeafReached(m);
          }
        }
        return tx("bisect");
      }

      @Override
      public TxOutcome openStride(
          BigInteger id, Bytes32 stepRoot, List<Bytes32> proof, Bytes32 left, Bytes32 right) {
        M m = inPhase(id, Phase.STRIDE_OPEN);
        Side side = move(m, self);
        Bytes32 leaf = side == Side.OPERATOR ? m.nodeO : m.nodeC;
        require(
            proof.size() == m.s && HashTree.climbRight(leaf, proof).equals(stepRoot),
            "BadStepRoot");
        require(parent(left, right).equals(stepRoot), "BadChildren");
        if (side == Side.OPERATOR) {
          m.nodeO = stepRoot;
        } else {
          m.nodeC = stepRoot;
        }
        if (++m.posted == 2) {
          m.revL = left;
          m.revR = right;
          m.level = m.s;
          m.phase = Phase.STEP_BISECT;
        }
        return tx("openStride");
      }

      @Override
      public TxOutcome proveStep(
          BigInteger id, byte[] preState, List<Bytes32> proof, byte[] stepProof) {
        M m = inPhase(id, Phase.PROVE);
        require(self.equals(m.operator) || self.equals(m.challenger), "NotAParty");
        require(now - m.lastMove <= clockOfTurn(m), "ClockExpired");
        ObjectiveCourtClient.Predecessor p = predecessorOf(id);
        require(
            proof.size() == p.proofLength()
                && HashTree.climbRight(Hashes.keccak256(preState), proof).equals(p.hash()),
            "BadPredecessor");
        Bytes32 post = WitnessChecker.step(preState, stepProof).postStateHash();
        m.verdict =
            post.equals(m.nodeO)
                ? Verdict.OPERATOR_WINS
                : post.equals(m.nodeC) ? Verdict.OPERATOR_REFUTED : Verdict.BOTH_WRONG;
        m.phase = Phase.DONE;
        return tx("proveStep");
      }

      @Override
      public TxOutcome timeout(BigInteger id) {
        M m = get(id);
        require(m.phase != Phase.DONE, "WrongPhase");
        require(now > m.lastMove + clockOfTurn(m), "ClockRunning");
        m.verdict = m.turn == Side.OPERATOR ? Verdict.OPERATOR_REFUTED : Verdict.OPERATOR_WINS;
        m.phase = Phase.DONE;
        return tx("timeout");
      }

      @Override
      public TxOutcome closeMoot(BigInteger id) {
        throw new InvalidInputException("NotMoot");
      }
    };
  }

  private M get(BigInteger id) {
    M m = matches.get(id);
    if (m == null) {
      throw new InvalidInputException("UnknownDispute");
    }
    return m;
  }

  private M inPhase(BigInteger id, Phase p) {
    M m = get(id);
    require(m.phase == p, "WrongPhase");
    return m;
  }

  private Side move(M m, Address caller) {
    Side side = m.turn;
    require(caller.equals(side == Side.OPERATOR ? m.operator : m.challenger), "NotYourTurn");
    long elapsed = now - m.lastMove;
    if (side == Side.OPERATOR) {
      require(elapsed <= m.clockO, "ClockExpired");
      m.clockO -= elapsed;
    } else {
      require(elapsed <= m.clockC, "ClockExpired");
      m.clockC -= elapsed;
    }
    m.turn = side.other();
    m.lastMove = now;
    return side;
  }

  private void strideLeafReached(M m) {
    if (m.s == 0) {
      m.phase = Phase.PROVE;
      return;
    }
    m.phase = Phase.STRIDE_OPEN;
    m.clockO += stepExtension;
    m.clockC += stepExtension;
  }

  private static long clockOfTurn(M m) {
    return m.turn == Side.OPERATOR ? m.clockO : m.clockC;
  }

  private static Bytes32 parent(Bytes32 l, Bytes32 r) {
    return Hashes.keccak256(l.bytes(), r.bytes());
  }

  private static void require(boolean ok, String error) {
    if (!ok) {
      throw new InvalidInputException(error);
    }
  }

  private static TxOutcome tx(String action) {
    return new TxOutcome(action, "0x", 0, 0);
  }
}
