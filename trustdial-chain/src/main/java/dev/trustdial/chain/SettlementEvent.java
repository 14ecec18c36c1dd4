package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;

/**
 * Everything the settlement contracts announce, decoded. {@link Where} locates each in the chain.
 */
public sealed interface SettlementEvent {
  Where where();

  /** Block number, transaction hash and log index: the total order of events. */
  record Where(long block, String txHash, long logIndex) {}

  // ---------------------------------------------------------------- StakeRegistry

  record OperatorRegistered(
      Where where, Address operator, Set<Role> roles, Address signer, String endpoint)
      implements SettlementEvent {}

  record OperatorUpdated(
      Where where, Address operator, Set<Role> roles, Address signer, String endpoint)
      implements SettlementEvent {}

  /**
   * Deregistered ({@code ejected} false) or pushed out of a full active set by a larger newcomer.
   */
  record OperatorExited(Where where, Address operator, boolean ejected)
      implements SettlementEvent {}

  /**
   * {@code staker} added {@code amount} to {@code operator}'s pool (the operator itself: a deposit
   * or its registration stake).
   */
  record Delegated(
      Where where, Address operator, Address staker, BigInteger amount, BigInteger shares)
      implements SettlementEvent {}

  record WithdrawalQueued(
      Where where,
      Address operator,
      Address staker,
      BigInteger amount,
      BigInteger shares,
      long availableAt,
      long obligationSeq)
      implements SettlementEvent {}

  record WithdrawalCompleted(Where where, Address operator, Address staker, BigInteger amount)
      implements SettlementEvent {}

  record AllocationSet(Where where, Address operator, Role role, BigInteger wad)
      implements SettlementEvent {}

  /**
   * A slash of {@code operator}'s pool for {@code role} (its delegators lose pro rata): the tokens
   * went to the slasher {@code by} (JobManager or the court), which paid rewards and burned the
   * rest.
   */
  record Slashed(
      Where where,
      Address operator,
      Role role,
      BigInteger amount,
      BigInteger fromActive,
      BigInteger fromPending,
      String reason,
      Address by)
      implements SettlementEvent {}

  // ---------------------------------------------------------------- AppRegistry

  record AppCreated(
      Where where, BigInteger appId, Address owner, TrustMode mode, Bytes32 programDigest)
      implements SettlementEvent {}

  // ---------------------------------------------------------------- JobManager

  record JobSubmitted(
      Where where,
      BigInteger jobId,
      BigInteger appId,
      Address submitter,
      Bytes32 inputBlobKey,
      long maxSteps,
      BigInteger fee)
      implements SettlementEvent {}

  /** The job waits for block {@code seedBlock}; once the chain is past it, anyone calls assign. */
  record JobQueued(Where where, BigInteger jobId, long attempt, long seedBlock, long snapshotBlock)
      implements SettlementEvent {}

  record JobAssigned(
      Where where,
      BigInteger jobId,
      Address operator,
      long attempt,
      long deadline,
      Bytes32 resumeFromCheckpoint)
      implements SettlementEvent {}

  record HeartbeatPosted(
      Where where,
      BigInteger jobId,
      Address operator,
      long step,
      Bytes32 stateHash,
      Bytes32 checkpointBlobKey)
      implements SettlementEvent {}

  /**
   * {@code slashed} is 0 when the operator was slashed for liveness within the cooldown already.
   */
  record HeartbeatMissed(
      Where where, BigInteger jobId, Address operator, Address reporter, BigInteger slashed)
      implements SettlementEvent {}

  /**
   * The assignee dropped the job's last checkpoint (it could not restore it) and runs it from step
   * 0.
   */
  record CheckpointDiscarded(
      Where where, BigInteger jobId, Address operator, long step, Bytes32 checkpointBlobKey)
      implements SettlementEvent {}

  /**
   * The assignee handed the job back without penalty (JobManager.declineJob); a JobQueued or
   * JobFailed follows.
   */
  record JobDeclined(Where where, BigInteger jobId, Address operator) implements SettlementEvent {}

  record ResultSubmitted(
      Where where,
      BigInteger jobId,
      Address operator,
      ResultCommitment result,
      Bytes32 outputBlobKey)
      implements SettlementEvent {}

  /** One challenge of the job's result: its own dispute {@code disputeId} in the job's court. */
  record JobChallenged(
      Where where,
      BigInteger jobId,
      BigInteger disputeId,
      Address challenger,
      Bytes32 challengerCommitment,
      BigInteger bond)
      implements SettlementEvent {}

  /**
   * JobManager carried out the court's verdict; {@code moot} when another dispute had overturned
   * the result first.
   */
  record DisputeResolved(
      Where where,
      BigInteger disputeId,
      BigInteger jobId,
      Verdict verdict,
      boolean moot,
      BigInteger slashed)
      implements SettlementEvent {}

  record JobFinalized(
      Where where, BigInteger jobId, Address paidTo, Bytes32 outputHash, BigInteger fee)
      implements SettlementEvent {}

  /**
   * The job ended without a result ("no-operator", "expired"); fee and deposit went back to the
   * submitter.
   */
  record JobFailed(Where where, BigInteger jobId, String reason) implements SettlementEvent {}

  // ---------------------------------------------------------------- IntersubjectiveCourt

  record DisputeOpened(
      Where where,
      BigInteger disputeId,
      BigInteger jobId,
      Bytes32 operatorCommitment,
      Bytes32 challengerCommitment,
      long snapshotBlock,
      long deadline,
      BigInteger totalWeight)
      implements SettlementEvent {}

  record Voted(
      Where where, BigInteger disputeId, Address voter, Bytes32 commitment, BigInteger weight)
      implements SettlementEvent {}

  record DisputeSettled(
      Where where,
      BigInteger disputeId,
      BigInteger jobId,
      Verdict verdict,
      BigInteger castWeight,
      BigInteger leadingWeight,
      boolean moot)
      implements SettlementEvent {}

  /**
   * A vote settled after resolution: a majority voter's {@code reward}, a minority voter's {@code
   * penalty} (slashed).
   */
  record VoteSettled(
      Where where, BigInteger disputeId, Address voter, BigInteger reward, BigInteger penalty)
      implements SettlementEvent {}
}
