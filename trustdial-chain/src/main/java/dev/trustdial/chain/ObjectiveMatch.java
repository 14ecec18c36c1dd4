package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/**
 * One match of the ObjectiveCourt (docs/spec/objective.md §4): a dispute between the result's
 * operator (side O) and one challenger (side C), as ObjectiveCourt.getMatch returns it.
 *
 * @param level the height of the current nodes in the current tree (stride tree, then step tree)
 * @param strideIndex the index of the current stride-level node at its level (the stride i once at
 *     the step level)
 * @param stepIndex the index of the current step-level node at its level
 * @param nodeO O's node at (level, index); in STRIDE_OPEN its stride leaf, then (once posted) its
 *     step root
 * @param revealedLeft the children of the last mover's node (the side to move compares its own with
 *     them)
 * @param clockO seconds left on O's clock as of {@code lastMove} (its clock runs from then while it
 *     is O's turn)
 * @param lastMove when the side to move's clock started running (chain time)
 * @param verdict NONE until DONE
 */
public record ObjectiveMatch(
    BigInteger disputeId,
    BigInteger jobId,
    Address operator,
    Address challenger,
    long attempt,
    Phase phase,
    Side turn,
    int level,
    int strideHeight,
    int strideLog2,
    long strideIndex,
    long stepIndex,
    Bytes32 nodeO,
    Bytes32 nodeC,
    Bytes32 revealedLeft,
    Bytes32 revealedRight,
    boolean strideWentRight,
    Bytes32 strideAgreed,
    int strideAgreedHeight,
    boolean stepWentRight,
    Bytes32 stepAgreed,
    int stepAgreedHeight,
    int stepRootsPosted,
    Bytes32 stepRootO,
    Bytes32 stepRootC,
    long clockO,
    long clockC,
    long lastMove,
    Verdict verdict,
    boolean moot) {

  /** ObjectiveCourt.Phase, in onchain order. */
  public enum Phase {
    NONE,
    START,
    STRIDE_BISECT,
    STRIDE_OPEN,
    STEP_BISECT,
    PROVE,
    DONE;

    static Phase fromCode(int code) {
      if (code < 0 || code >= values().length) {
        throw new IllegalStateException("unknown match phase onchain: " + code);
      }
      return values()[code];
    }
  }

  /** The two sides of a match, in onchain order (ObjectiveCourt.SIDE_O = 0, SIDE_C = 1). */
  public enum Side {
    OPERATOR,
    CHALLENGER;

    static Side fromCode(int code) {
      if (code < 0 || code > 1) {
        throw new IllegalStateException("unknown match side onchain: " + code);
      }
      return values()[code];
    }

    public Side other() {
      return this == OPERATOR ? CHALLENGER : OPERATOR;
    }
  }

  public ObjectiveMatch {
    if (phase == Phase.NONE) {
      throw new IllegalStateException("match " + disputeId + " does not exist");
    }
    if (level < 0 || level > 64 || strideHeight + strideLog2 > 64) {
      throw new IllegalStateException(
          "match "
              + disputeId
              + " has an impossible level "
              + level
              + " (H "
              + strideHeight
              + ", s "
              + strideLog2
              + ")");
    }
  }

  public boolean done() {
    return phase == Phase.DONE;
  }

  /** Which side {@code account} is in this match, if any. */
  public Optional<Side> sideOf(Address account) {
    if (account.equals(operator)) {
      return Optional.of(Side.OPERATOR);
    }
    return account.equals(challenger) ? Optional.of(Side.CHALLENGER) : Optional.empty();
  }

  public Address account(Side side) {
    return side == Side.OPERATOR ? operator : challenger;
  }

  /** The side's node at the current (level, index). */
  public Bytes32 node(Side side) {
    return side == Side.OPERATOR ? nodeO : nodeC;
  }

  /** The side to move's clock runs out after this chain time. */
  public long deadline() {
    return lastMove + (turn == Side.OPERATOR ? clockO : clockC);
  }

  /**
   * The step t whose successor T(t + 1) the match disputes (ObjectiveCourt.stepNumber): t = i * 2^s
   * + j.
   */
  public long stepNumber() {
    return (strideIndex << strideLog2) + stepIndex;
  }
}
