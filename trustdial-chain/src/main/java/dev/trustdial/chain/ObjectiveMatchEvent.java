package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/**
 * One event of an ObjectiveCourt match (docs/spec/objective.md §4), as the court emitted it, with
 * the gas of the transaction that made the move (0 for events that are not moves of their own).
 * Side 0 is the operator (O), 1 the challenger (C).
 */
public sealed interface ObjectiveMatchEvent {
  BigInteger disputeId();

  long block();

  /** The challenger posted its root's children. */
  record Started(BigInteger disputeId, long block, long gasUsed) implements ObjectiveMatchEvent {}

  /**
   * A side revealed its children; the dispute now lies at ({@code level}, {@code index}) of the
   * stride or step tree.
   */
  record Bisected(
      BigInteger disputeId,
      long block,
      int side,
      int level,
      long index,
      boolean stepLevel,
      long gasUsed)
      implements ObjectiveMatchEvent {}

  /** The stride descent reached stride {@code strideIndex}. */
  record StrideReached(BigInteger disputeId, long block, long strideIndex)
      implements ObjectiveMatchEvent {}

  /** A side posted its step tree's root for the disputed stride. */
  record StrideOpened(BigInteger disputeId, long block, int side, long gasUsed)
      implements ObjectiveMatchEvent {}

  /** The step descent reached T(step) -> T(step + 1). */
  record StepReached(BigInteger disputeId, long block, long step) implements ObjectiveMatchEvent {}

  /** RiscvStep executed step -> step + 1 onchain. */
  record StepProven(BigInteger disputeId, long block, Address prover, long step, long gasUsed)
      implements ObjectiveMatchEvent {}

  /** The side to move ({@code side}) ran out of its clock. */
  record TimedOut(BigInteger disputeId, long block, int side, long gasUsed)
      implements ObjectiveMatchEvent {}

  /** The match ended with {@code verdict}. */
  record Resolved(BigInteger disputeId, long block, Verdict verdict, boolean moot)
      implements ObjectiveMatchEvent {}
}
