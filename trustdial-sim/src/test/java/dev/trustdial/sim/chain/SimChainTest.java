package dev.trustdial.sim.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model's rules, each with an attack the contracts refuse (errors named as in the Solidity).
 */
class SimChainTest {
  static final long T0 = 1_800_000_000L;
  static final BigInteger STAKE = Tokens.of(1000);

  SimChain chain;
  List<Address> ops;
  Address submitter;
  BigInteger appId;
  JobParams p;

  static Address addr(int i) {
    byte[] b = new byte[20];
    b[19] = (byte) i;
    b[0] = 0x11;
    return new Address(b);
  }

  static Bytes32 h(String s) {
    return Hashes.keccak256(s.getBytes());
  }

  static ResultCommitment result(String tag, long steps) {
    return new ResultCommitment(h("out-" + tag), h("state-" + tag), steps, h("root-" + tag));
  }

  @BeforeEach
  void setUp() {
    chain = new SimChain(SimChain.Config.devnet(T0, 7));
    p = chain.config().params();
    ops = new ArrayList<>();
    submitter = addr(100);
    chain.mint(submitter, Tokens.of(10_000));
    for (int i = 1; i <= 4; i++) {
      Address a = addr(i);
      ops.add(a);
      chain.mint(a, Tokens.of(5_000));
      chain.as(a).register(EnumSet.of(Role.COMPUTE, Role.VERIFIER), a, "http://op" + i, STAKE);
    }
    for (int i = 0; i <= chain.config().registry().activationDelayBlocks(); i++) {
      chain.mine();
    }
    appId = chain.createApp(submitter, TrustMode.REEXEC_INTERSUBJECTIVE, h("program"));
    chain.checkInvariants();
  }

  void advance(long seconds) {
    chain.setTime(chain.time() + seconds);
  }

  BigInteger submit() {
    return chain.submitJob(submitter, appId, h("input"), h("digest"), 1000, Tokens.of(5));
  }

  SettlementPort as(Address a) {
    return chain.as(a);
  }

  /** Submits, lets the seed block pass and assigns; returns the assigned job. */
  JobInfo assigned() {
    BigInteger id = submit();
    advance(1);
    chain.mine(); // the seed block
    as(submitter).assign(id);
    JobInfo j = as(submitter).job(id);
    assertThat(j.status()).isEqualTo(JobStatus.ASSIGNED);
    return j;
  }

  Address other(Address... not) {
    for (Address a : ops) {
      if (!List.of(not).contains(a)) {
        return a;
      }
    }
    throw new AssertionError();
  }

  static String errorOf(Runnable r) {
    try {
      r.run();
    } catch (ContractRevertException e) {
      return e.errorName();
    }
    throw new AssertionError("no revert");
  }

  /** A refused transaction mines nothing and changes no job. */
  void assertRefused(String error, Runnable tx) {
    long block = chain.blockNumber();
    List<JobInfo> before = chain.jobs();
    int events = chain.events().size();
    var balances = chain.balances();
    assertThat(errorOf(tx)).isEqualTo(error);
    assertThat(chain.blockNumber()).isEqualTo(block);
    assertThat(chain.jobs()).isEqualTo(before);
    assertThat(chain.events()).hasSize(events);
    assertThat(chain.balances()).isEqualTo(balances);
  }

  @Test
  void happyPathPaysTheFeeReturnsTheDepositAndConservesTokens() {
    BigInteger before = chain.balanceOf(submitter);
    JobInfo j = assigned();
    Address op = j.assignee();
    BigInteger opBefore = chain.balanceOf(op);
    advance(5);
    as(op).heartbeat(j.jobId(), 10, h("s10"), h("cp10"));
    assertThat(as(op).job(j.jobId()).deadline())
        .isEqualTo(chain.time() + p.heartbeatWindowSeconds());
    as(op).submitResult(j.jobId(), result("a", 20), h("outblob"));
    assertRefused("ChallengeWindowOpen", () -> as(submitter).finalizeJob(j.jobId()));
    advance(p.challengeWindowSeconds() + 1);
    as(submitter).finalizeJob(j.jobId());
    assertThat(as(op).job(j.jobId()).status()).isEqualTo(JobStatus.FINALIZED);
    assertThat(chain.balanceOf(op)).isEqualTo(opBefore.add(Tokens.of(5)));
    assertThat(chain.balanceOf(submitter)).isEqualTo(before.subtract(Tokens.of(5)));
    assertThat(chain.totalEscrow()).isZero();
    assertThat(as(op).operator(op).openObligations()).isZero();
    assertThat(chain.activeJobs(op)).isZero();
    chain.checkInvariants();
  }

  @Test
  void seedBlockMustBeMinedBeforeAssignment() {
    BigInteger id = submit();
    assertRefused("SeedNotReady", () -> as(submitter).assign(id));
    chain.mine();
    as(submitter).assign(id);
    assertThat(as(submitter).job(id).status()).isEqualTo(JobStatus.ASSIGNED);
  }

  @Test
  void heartbeatAtTheDeadlineCountsButOneSecondLateIsRefused() {
    JobInfo j = assigned();
    Address op = j.assignee();
    chain.setTime(j.deadline());
    as(op).heartbeat(j.jobId(), 1, h("s1"), h("cp1"));
    long deadline = as(op).job(j.jobId()).deadline();
    chain.setTime(deadline + 1);
    assertRefused("DeadlinePassed", () -> as(op).heartbeat(j.jobId(), 2, h("s2"), h("cp2")));
    assertRefused("DeadlinePassed", () -> as(op).submitResult(j.jobId(), result("a", 2), h("o")));
  }

  @Test
  void onlyTheAssigneeHeartbeatsAndStepsNeverGoBack() {
    JobInfo j = assigned();
    Address op = j.assignee();
    assertRefused("NotAssignee", () -> as(other(op)).heartbeat(j.jobId(), 1, h("s"), h("c")));
    as(op).heartbeat(j.jobId(), 50, h("s50"), h("c50"));
    assertRefused("StepNotMonotonic", () -> as(op).heartbeat(j.jobId(), 49, h("s"), h("c")));
    assertRefused("StepsExceeded", () -> as(op).heartbeat(j.jobId(), 1001, h("s"), h("c")));
    as(op).heartbeat(j.jobId(), 50, h("s50"), h("c50")); // keepalive on the same checkpoint
    assertRefused(
        "StepNotMonotonic", () -> as(op).submitResult(j.jobId(), result("a", 10), h("o")));
    as(op).restartJob(j.jobId());
    assertThat(as(op).job(j.jobId()).lastStep()).isZero();
  }

  @Test
  void aMissedDeadlineSlashesRewardsTheReporterAndRequeuesWithoutTheOperator() {
    JobInfo j = assigned();
    Address op = j.assignee();
    Address reporter = submitter;
    assertRefused("DeadlineNotPassed", () -> as(reporter).reportMissed(j.jobId()));
    chain.setTime(j.deadline() + 1);
    BigInteger reporterBefore = chain.balanceOf(reporter);
    as(reporter).reportMissed(j.jobId());
    BigInteger slashed = JobParams.ofWad(STAKE, p.livenessSlashWad());
    assertThat(as(op).operator(op).stake()).isEqualTo(STAKE.subtract(slashed));
    assertThat(chain.balanceOf(reporter))
        .isEqualTo(reporterBefore.add(JobParams.ofWad(slashed, p.reporterShareWad())));
    assertThat(chain.balanceOf(SimChain.BURN_ADDRESS))
        .isEqualTo(slashed.subtract(JobParams.ofWad(slashed, p.reporterShareWad())));
    JobInfo requeued = as(op).job(j.jobId());
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(as(op).operator(op).openObligations()).isZero();
    advance(1);
    chain.mine();
    as(reporter).assign(j.jobId());
    assertThat(as(op).job(j.jobId()).assignee()).isNotEqualTo(op);
    chain.checkInvariants();
  }

  @Test
  void declineHandsTheJobToSomeoneElse() {
    JobInfo j = assigned();
    Address op = j.assignee();
    as(op).declineJob(j.jobId());
    assertThat(as(op).job(j.jobId()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(as(op).operator(op).stake()).isEqualTo(STAKE);
    assertRefused("WrongStatus", () -> as(op).declineJob(j.jobId()));
  }

  @Test
  void aJobPastItsExpiryFailsWithEverythingRefunded() {
    BigInteger before = chain.balanceOf(submitter);
    BigInteger id = submit();
    advance(p.maxJobDurationSeconds() + 1);
    as(submitter).assign(id);
    assertThat(as(submitter).job(id).status()).isEqualTo(JobStatus.FAILED);
    assertThat(chain.balanceOf(submitter)).isEqualTo(before);
    assertThat(chain.events().getLast()).isInstanceOf(SettlementEvent.JobFailed.class);
    assertThat(((SettlementEvent.JobFailed) chain.events().getLast()).reason())
        .isEqualTo("expired");
  }

  @Test
  void challengerWinsByMajorityVoteAndMinorityVotersArePenalised() {
    JobInfo j = assigned();
    Address op = j.assignee();
    as(op).submitResult(j.jobId(), result("wrong", 20), h("o"));
    Address challenger = other(op);
    assertRefused("SelfChallenge", () -> as(op).challenge(j.jobId(), result("right", 20)));
    assertRefused("SameCommitment", () -> as(challenger).challenge(j.jobId(), result("wrong", 20)));
    BigInteger disputeId = as(challenger).challenge(j.jobId(), result("right", 20)).id();
    assertRefused(
        "AlreadyChallenged", () -> as(challenger).challenge(j.jobId(), result("other", 20)));
    assertRefused("WrongStatus", () -> as(submitter).finalizeJob(j.jobId()));
    DisputeInfo d = as(op).dispute(disputeId);
    assertThat(d.totalWeight()).isEqualTo(STAKE.multiply(BigInteger.valueOf(4)));
    assertRefused(
        "PartyCannotVote", () -> as(op).vote(disputeId, result("wrong", 20).commitment()));
    assertRefused(
        "PartyCannotVote", () -> as(challenger).vote(disputeId, result("right", 20).commitment()));
    assertRefused(
        "NotVerifier", () -> as(submitter).vote(disputeId, result("right", 20).commitment()));
    Address v1 = other(op, challenger);
    Address v2 = other(op, challenger, v1);
    as(v1).vote(disputeId, result("right", 20).commitment());
    assertRefused("AlreadyVoted", () -> as(v1).vote(disputeId, result("right", 20).commitment()));
    as(v2).vote(disputeId, result("wrong", 20).commitment());
    assertRefused("VotingOpen", () -> as(submitter).resolve(disputeId));
    assertRefused("NotResolved", () -> as(submitter).settleVote(disputeId, v1));
    chain.setTime(d.deadline() + 1);
    assertRefused("VotingClosed", () -> as(v1).vote(disputeId, h("late")));
    // 1000 of 2000 cast is not more than half: no majority. Nobody is slashed, the bond returns,
    // and the undecided result is dropped: the job is queued again without its operator (#19).
    BigInteger challengerBefore = chain.balanceOf(challenger);
    BigInteger opBefore = chain.balanceOf(op);
    as(submitter).resolve(disputeId);
    assertThat(as(op).dispute(disputeId).verdict()).isEqualTo(Verdict.NO_MAJORITY);
    assertThat(chain.balanceOf(challenger)).isEqualTo(challengerBefore.add(p.challengeBond()));
    JobInfo dropped = as(op).job(j.jobId());
    assertThat(dropped.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(dropped.attempt()).isEqualTo(j.attempt() + 1);
    assertThat(dropped.resultOperator()).isEqualTo(Address.ZERO);
    assertThat(as(op).operator(op).stake()).isEqualTo(STAKE);
    chain.setTime(d.deadline() + p.challengeWindowSeconds() + 1);
    assertRefused("WrongStatus", () -> as(submitter).finalizeJob(j.jobId()));
    assertThat(chain.balanceOf(op)).isEqualTo(opBefore);
    assertRefused("AlreadyResolved", () -> as(submitter).resolve(disputeId));
    as(submitter).settleVote(disputeId, v1);
    assertRefused("VoteSettledAlready", () -> as(submitter).settleVote(disputeId, v1));
    assertThat(as(v1).operator(v1).stake()).isEqualTo(STAKE); // no decision: nobody penalised
    chain.checkInvariants();
  }

  @Test
  void aChallengerBackedByTheVotersTakesTheFeeAndTheOperatorIsSlashed() {
    JobInfo j = assigned();
    Address op = j.assignee();
    as(op).submitResult(j.jobId(), result("wrong", 20), h("o"));
    Address challenger = other(op);
    BigInteger challengerBefore = chain.balanceOf(challenger);
    BigInteger disputeId = as(challenger).challenge(j.jobId(), result("right", 20)).id();
    Address v1 = other(op, challenger);
    Address v2 = other(op, challenger, v1);
    as(v1).vote(disputeId, result("right", 20).commitment());
    as(v2).vote(disputeId, result("right", 20).commitment());
    chain.setTime(as(op).dispute(disputeId).deadline() + 1);
    as(submitter).resolve(disputeId);
    DisputeInfo d = as(op).dispute(disputeId);
    assertThat(d.verdict()).isEqualTo(Verdict.CHALLENGER_WINS);
    BigInteger slashed = JobParams.ofWad(STAKE, p.disputeSlashWad());
    assertThat(as(op).operator(op).stake()).isEqualTo(STAKE.subtract(slashed));
    JobInfo done = as(op).job(j.jobId());
    assertThat(done.status()).isEqualTo(JobStatus.FINALIZED);
    assertThat(done.resultOperator()).isEqualTo(challenger);
    BigInteger reward = p.challengeBond().min(JobParams.ofWad(slashed, p.partyRewardWad()));
    assertThat(chain.balanceOf(challenger))
        .isEqualTo(challengerBefore.add(reward).add(Tokens.of(5)));
    assertThat(d.voterPool()).isEqualTo(JobParams.ofWad(slashed, p.voterRewardWad()));
    BigInteger v1Before = chain.balanceOf(v1);
    as(submitter).settleVote(disputeId, v1);
    assertThat(chain.balanceOf(v1)).isEqualTo(v1Before.add(d.voterPool().divide(BigInteger.TWO)));
    assertRefused("NoVote", () -> as(submitter).settleVote(disputeId, op));
    assertThat(as(op).operator(op).openObligations()).isZero();
    chain.checkInvariants();
  }

  @Test
  void stakeAddedAfterTheDisputeOpensDoesNotVote() {
    JobInfo j = assigned();
    Address op = j.assignee();
    as(op).submitResult(j.jobId(), result("x", 20), h("o"));
    Address late = addr(50);
    chain.mint(late, Tokens.of(5_000));
    BigInteger disputeId = as(other(op)).challenge(j.jobId(), result("y", 20)).id();
    as(late).register(EnumSet.of(Role.VERIFIER), late, "http://late", STAKE);
    assertRefused("NotVerifier", () -> as(late).vote(disputeId, h("any")));
  }

  @Test
  void registrationRules() {
    Address a = addr(60);
    chain.mint(a, Tokens.of(50));
    assertRefused(
        "BelowMinSelfStake", () -> as(a).register(EnumSet.of(Role.COMPUTE), a, "x", Tokens.of(99)));
    assertRefused(
        "ERC20InsufficientBalance",
        () -> as(a).register(EnumSet.of(Role.COMPUTE), a, "x", Tokens.of(100)));
    assertRefused(
        "SignerInUse",
        () -> as(a).register(EnumSet.of(Role.COMPUTE), ops.getFirst(), "x", Tokens.of(100)));
    assertRefused(
        "AlreadyRegistered",
        () -> as(ops.getFirst()).register(EnumSet.of(Role.COMPUTE), addr(61), "x", Tokens.of(100)));
    assertRefused(
        "EndpointTooLong",
        () -> as(a).register(EnumSet.of(Role.COMPUTE), a, "x".repeat(257), Tokens.of(100)));
    assertRefused("NotRegistered", () -> as(a).deposit(Tokens.of(1)));
  }

  @Test
  void theClockNeverGoesBackAndUnmodelledPathsSaySo() {
    assertThatThrownBy(() -> chain.setTime(T0 - 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> as(submitter).teeResultDigest(BigInteger.ONE, h("x")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("not modelled");
    assertThatThrownBy(() -> chain.createApp(submitter, TrustMode.ZK, h("zk")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(errorOf(() -> as(submitter).job(BigInteger.valueOf(99)))).isEqualTo("UnknownJob");
  }

  @Test
  void theSameSeedAndOperationsGiveTheSameChain() {
    SimChainTest other = new SimChainTest();
    other.setUp();
    JobInfo a = assigned();
    JobInfo b = other.assigned();
    assertThat(a.assignee()).isEqualTo(b.assignee());
    assertThat(chain.events()).isEqualTo(other.chain.events());
  }
}
