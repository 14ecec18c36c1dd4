package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;

/** Everything the settlement contracts announce, decoded. {@link Where} locates each in the chain. */
public sealed interface SettlementEvent {
  Where where();

  /** Block number, transaction hash and log index: the total order of events. */
  record Where(long block, String txHash, long logIndex) {}

  record OperatorRegistered(Where where, Address operator, Set<Role> roles, Address signer, String endpoint) implements SettlementEvent {}

  record StakeDeposited(Where where, Address operator, BigInteger amount, BigInteger newStake) implements SettlementEvent {}

  record Slashed(Where where, Address operator, BigInteger amount, String reason, Address beneficiary, BigInteger reward, BigInteger burned) implements SettlementEvent {}

  record AppCreated(Where where, BigInteger appId, Address owner, TrustMode mode, Bytes32 programDigest) implements SettlementEvent {}

  record JobSubmitted(Where where, BigInteger jobId, BigInteger appId, Address submitter, Bytes32 inputBlobKey, long maxSteps, BigInteger fee) implements SettlementEvent {}

  record JobAssigned(Where where, BigInteger jobId, Address operator, long attempt, long deadline, Bytes32 resumeFromCheckpoint) implements SettlementEvent {}

  record HeartbeatPosted(Where where, BigInteger jobId, Address operator, long step, Bytes32 stateHash, Bytes32 checkpointBlobKey) implements SettlementEvent {}

  record HeartbeatMissed(Where where, BigInteger jobId, Address operator, Address reporter, BigInteger slashed) implements SettlementEvent {}

  /** The assignee handed the job back without penalty (JobManager.declineJob); a JobAssigned or JobFailed follows. */
  record JobDeclined(Where where, BigInteger jobId, Address operator) implements SettlementEvent {}

  record ResultSubmitted(Where where, BigInteger jobId, Address operator, ResultCommitment result, Bytes32 outputBlobKey) implements SettlementEvent {}

  record JobChallenged(Where where, BigInteger jobId, Address challenger, Bytes32 challengerCommitment, BigInteger bond) implements SettlementEvent {}

  record DisputeOpened(Where where, BigInteger jobId, Bytes32 operatorCommitment, Bytes32 challengerCommitment, long deadline) implements SettlementEvent {}

  record Voted(Where where, BigInteger jobId, Address voter, Bytes32 commitment, BigInteger weight) implements SettlementEvent {}

  record DisputeSettled(Where where, BigInteger jobId, boolean operatorWins, BigInteger operatorStake, BigInteger challengerStake) implements SettlementEvent {}

  record JobFinalized(Where where, BigInteger jobId, Address paidTo, Bytes32 outputHash, BigInteger fee) implements SettlementEvent {}

  record JobFailed(Where where, BigInteger jobId) implements SettlementEvent {}
}
