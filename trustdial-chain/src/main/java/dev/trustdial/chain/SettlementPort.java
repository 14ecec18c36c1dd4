package dev.trustdial.chain;

import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * The settlement contracts as the logic that decides sees them: an operator, a watchtower, a
 * keeper, a voter. It names only the reads and transactions those roles make, in the chain module's
 * own types (no web3j type crosses it), acting as one account.
 *
 * <p>{@link Settlement} implements it over JSON-RPC against the deployed contracts; a simulation
 * implements it over an executable model of the same rules, so the node's logic runs unchanged in
 * both. Every transaction behaves like the contract's: it either takes effect or throws {@link
 * ContractRevertException} with the contract's error name and changes nothing; trouble reaching the
 * chain throws {@link ChainUnavailableException}.
 */
public interface SettlementPort {

  /** An id made by a transaction (an app, a job or a dispute). */
  record Created(BigInteger id, TxOutcome tx) {}

  /** The account every transaction is sent from. */
  Address account();

  /** The chain's id (EIP-155): test-only faults are refused on any chain but the devnet's. */
  long chainId();

  // ------------------------------------------------------------------ time and events

  /** The latest block number. */
  long blockNumber();

  /** Timestamp (seconds) of the latest block: the contracts' notion of now. */
  long chainTime();

  /**
   * The settlement contracts' events mined in blocks {@code fromBlock..toBlock} (inclusive), in
   * chain order.
   */
  List<SettlementEvent> events(long fromBlock, long toBlock);

  // ------------------------------------------------------------------ reads

  /** The parameters new jobs are submitted under. */
  JobParams params();

  JobInfo job(BigInteger jobId);

  /** What the job runs, fixed at submission (JobManager.pinOf). */
  JobPin pin(BigInteger jobId);

  /** Jobs submitted so far (ids are 1..jobCount). */
  BigInteger jobCount();

  AppInfo app(BigInteger appId);

  /** The court's record of a dispute. */
  DisputeInfo dispute(BigInteger disputeId);

  VoteInfo voteOf(BigInteger disputeId, Address voter);

  /**
   * Whether {@code challenger} challenged the result of the job's current attempt (once per attempt
   * each).
   */
  boolean hasChallenged(BigInteger jobId, Address challenger);

  OperatorInfo operator(Address op);

  /** The least own stake an operator registers with. */
  BigInteger minSelfStake();

  /**
   * What a TEE app's wallet signs (EIP-191) for a job's output: bound to this chain, this
   * JobManager, the job's current attempt and its assignee.
   */
  Bytes32 teeResultDigest(BigInteger jobId, Bytes32 outputHash);

  // ------------------------------------------------------------------ operators

  /**
   * Registers this account with its roles, signer and endpoint, staking {@code selfStake} of its
   * own tokens.
   */
  TxOutcome register(Set<Role> roles, Address signer, String endpoint, BigInteger selfStake);

  /** Replaces this operator's roles, signer and endpoint (stake untouched). */
  TxOutcome updateOperator(Set<Role> roles, Address signer, String endpoint);

  /** Adds {@code amount} of this account's tokens to its own pool. */
  TxOutcome deposit(BigInteger amount);

  // ------------------------------------------------------------------ jobs

  /** Assigns a queued job whose seed block is mined (anyone may; keepers do). */
  TxOutcome assign(BigInteger jobId);

  /**
   * The assignee's checkpoint (or keepalive: the same checkpoint again), which moves the job's
   * deadline.
   */
  TxOutcome heartbeat(BigInteger jobId, long step, Bytes32 stateHash, Bytes32 checkpointBlobKey);

  /**
   * The assignee drops the job's last checkpoint (one it cannot restore) and runs the job from step
   * 0.
   */
  TxOutcome restartJob(BigInteger jobId);

  /** Reports an assignee past its deadline: it is slashed and the job is re-queued (anyone may). */
  TxOutcome reportMissed(BigInteger jobId);

  TxOutcome submitResult(BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey);

  /**
   * The result of an adapter-mode job (a ZK proof): checked by the pinned adapter and final in this
   * transaction.
   */
  TxOutcome submitCheckedResult(
      BigInteger jobId, byte[] envelope, byte[] output, byte[] evidence, Bytes32 outputBlobKey);

  /**
   * A REEXEC_OBJECTIVE job's result: its terminal VM state, trace root and the final stride leaf's
   * proof.
   */
  TxOutcome submitObjectiveResult(
      BigInteger jobId,
      byte[] finalState,
      Bytes32 traceRoot,
      List<Bytes32> finalLeafProof,
      Bytes32 outputBlobKey);

  /** A TEE app's result with the app wallet's signature over {@link #teeResultDigest}. */
  TxOutcome submitTeeResult(
      BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey, Signature appSignature);

  /** Hands an assigned job back without penalty; it is queued for another operator or fails. */
  TxOutcome declineJob(BigInteger jobId);

  /** Pays a result whose window is over and against which no dispute is open. */
  TxOutcome finalizeJob(BigInteger jobId);

  // ------------------------------------------------------------------ disputes

  /**
   * Bonds and challenges the job's result with our own commitment; returns the dispute this opens.
   */
  Created challenge(BigInteger jobId, ResultCommitment ours);

  /** Votes {@code commitment} in a dispute (a VERIFIER that is not one of its parties). */
  TxOutcome vote(BigInteger disputeId, Bytes32 commitment);

  /** Resolves a dispute after its voting period (anyone may). */
  TxOutcome resolve(BigInteger disputeId);

  /**
   * Settles {@code voter}'s vote after resolution: its reward or penalty, and the end of its
   * obligation.
   */
  TxOutcome settleVote(BigInteger disputeId, Address voter);
}
