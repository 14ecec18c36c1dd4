package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settlement contracts (protocol v2) on a real anvil (a block a second plus one per
 * transaction), deployed by {@link SettlementDeployer} and driven through the typed client. The
 * tests share one chain; each uses its own accounts.
 */
class SettlementIT {
  static Anvil anvil;
  static Settlement owner;
  static List<Secp256k1Key> keys;
  static Deployment deployment;
  static JobParams params;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("settlement-it");
    anvil = Anvil.start(Anvil.Options.defaults(dir.resolve("anvil.log")));
    keys = anvil.devKeys();
    SettlementDeployer.Result r =
        SettlementDeployer.deploy(
            anvil.rpcUrl(), keys.get(0), SettlementDeployer.Config.devnet(), s -> {});
    deployment = r.deployment();
    owner = Settlement.connect(anvil.rpcUrl(), deployment, keys.get(0));
    for (int i = 1; i < keys.size(); i++) {
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
    }
    params = owner.params();
    assertThat(params.court()).isEqualTo(deployment.court());
  }

  @AfterAll
  static void stop() {
    if (owner != null) {
      owner.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  static Settlement as(int i) {
    return owner.as(keys.get(i));
  }

  static Settlement operator(int i, Set<Role> roles, long stake) {
    Settlement s = as(i);
    s.register(roles, keys.get(i).address(), "http://127.0.0.1:" + (9000 + i), Tokens.of(stake));
    return s;
  }

  static Bytes32 h(String s) {
    return Hashes.keccak256(s.getBytes());
  }

  /** Mines past the activation delay, so stake registered so far counts in snapshots. */
  static void activate() {
    owner.mineBlocks((int) owner.activationDelayBlocks() + 1);
  }

  /**
   * Mines past the job's seed block, checks the offchain prediction, assigns; returns the assignee.
   */
  static Address assignNow(BigInteger jobId) {
    JobInfo queued = owner.job(jobId);
    assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
    while (owner.blockNumber() <= queued.seedBlock()) {
      owner.mineBlocks(1);
    }
    Address predicted = owner.predictAssignee(jobId).orElseThrow();
    as(9).assign(jobId);
    JobInfo assigned = owner.job(jobId);
    assertThat(assigned.status()).isEqualTo(JobStatus.ASSIGNED);
    assertThat(assigned.assignee())
        .as("Assignment reproduces JobManager.assign")
        .isEqualTo(predicted);
    return assigned.assignee();
  }

  @Test
  void lifecycleWithDelegationLivenessSlashReassignmentAndTwoDisputes() {
    Settlement op1 = operator(1, EnumSet.of(Role.COMPUTE), 1000);
    Settlement op2 = operator(2, EnumSet.of(Role.COMPUTE), 1000);
    Settlement verifier = operator(3, EnumSet.of(Role.VERIFIER), 5000);
    Settlement watchtower = operator(4, EnumSet.of(Role.VERIFIER), 1000);
    Settlement delegator = as(8);
    delegator.delegate(op1.account(), Tokens.of(1000));
    delegator.delegate(op2.account(), Tokens.of(1000));
    assertThat(owner.operator(op1.account()).delegatedStake()).isEqualTo(Tokens.of(1000));
    assertThat(owner.operator(op1.account()).selfStake()).isEqualTo(Tokens.of(1000));
    Settlement dev = as(5);
    owner.setAllowlisted(
        dev.account(), true); // through the timelock: scheduled, fast-forwarded, executed
    BigInteger appId =
        dev.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, h("program"), new byte[0]).id();
    assertThat(dev.app(appId).mode()).isEqualTo(TrustMode.REEXEC_INTERSUBJECTIVE);
    activate();

    long startBlock = owner.blockNumber();
    BigInteger jobId =
        dev.submitJob(appId, h("input-key"), h("input"), 10_000_000, Tokens.of(10)).id();
    assertThat(owner.pin(jobId).programDigest()).isEqualTo(h("program"));
    assertThat(owner.pin(jobId).role()).isEqualTo(Role.COMPUTE);
    Address firstAddress = assignNow(jobId);
    Settlement first = firstAddress.equals(op1.account()) ? op1 : op2;
    Settlement second = first == op1 ? op2 : op1;
    assertThat(owner.obligations(first.account()).open()).isEqualTo(1);

    first.heartbeat(jobId, 1 << 20, h("state-1"), h("ckpt-1"));
    // A heartbeat from anyone else is refused and changes nothing.
    assertThatThrownBy(() -> second.heartbeat(jobId, 2 << 20, h("x"), h("y")))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("NotAssignee");
    assertThat(dev.job(jobId).lastStep()).isEqualTo(1 << 20);
    // Its stake backs an open job: a withdrawal queued now waits for the job to end.
    delegator.queueWithdrawal(first.account(), Tokens.of(100));

    assertThatThrownBy(() -> verifier.reportMissed(jobId))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("DeadlineNotPassed");
    StakePool poolBefore = owner.pool(first.account());
    BigInteger delegatedBefore =
        owner.delegation(first.account(), delegator.account()).activeStake();
    owner.advanceTime(params.heartbeatWindowSeconds() + 1);
    verifier.reportMissed(jobId);
    // 10 % of the pool, active and pending halves alike: the operator and its delegator lose pro
    // rata.
    StakePool poolAfter = owner.pool(first.account());
    assertThat(poolAfter.activeAmount())
        .isEqualTo(
            poolBefore.activeAmount().subtract(poolBefore.activeAmount().divide(BigInteger.TEN)));
    assertThat(poolAfter.pendingAmount())
        .isEqualTo(
            poolBefore.pendingAmount().subtract(poolBefore.pendingAmount().divide(BigInteger.TEN)));
    BigInteger delegatedAfter =
        owner.delegation(first.account(), delegator.account()).activeStake();
    assertThat(delegatedAfter)
        .isBetween(
            delegatedBefore
                .multiply(BigInteger.valueOf(9))
                .divide(BigInteger.TEN)
                .subtract(BigInteger.TWO),
            delegatedBefore.multiply(BigInteger.valueOf(9)).divide(BigInteger.TEN));

    JobInfo requeued = dev.job(jobId);
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(owner.hasFailed(jobId, first.account())).isTrue();
    assertThat(assignNow(jobId)).isEqualTo(second.account());
    assertThat(dev.job(jobId).lastCheckpointBlobKey()).isEqualTo(h("ckpt-1"));

    ResultCommitment lie = new ResultCommitment(h("wrong"), h("final"), 3 << 20, h("root"));
    ResultCommitment truth = new ResultCommitment(h("right"), h("final"), 3 << 20, h("root"));
    ResultCommitment other = new ResultCommitment(h("other"), h("final"), 3 << 20, h("root"));
    second.heartbeat(jobId, 2 << 20, h("state-2"), h("ckpt-2"));
    second.submitResult(jobId, lie, h("out-key"));
    // Two challengers, two disputes: the first account's wrong claim locks nobody out.
    BigInteger sybil = first.challenge(jobId, other).id();
    BigInteger honest = watchtower.challenge(jobId, truth).id();
    assertThat(honest).isNotEqualTo(sybil);
    assertThatThrownBy(() -> watchtower.challenge(jobId, truth))
        .hasMessageContaining("AlreadyChallenged");
    assertThat(dev.job(jobId).status()).isEqualTo(JobStatus.DISPUTED);
    assertThat(dev.job(jobId).openDisputes()).isEqualTo(2);
    assertThatThrownBy(() -> watchtower.vote(honest, truth.commitment()))
        .hasMessageContaining("PartyCannotVote");
    verifier.vote(honest, truth.commitment());
    verifier.vote(sybil, truth.commitment());
    watchtower.vote(sybil, truth.commitment());
    assertThatThrownBy(() -> verifier.vote(honest, truth.commitment()))
        .hasMessageContaining("AlreadyVoted");
    DisputeInfo d = owner.dispute(honest);
    assertThat(d.challengerCommitment()).isEqualTo(truth.commitment());
    assertThat(d.isParty(watchtower.account())).isTrue();
    assertThat(d.castWeight()).isEqualTo(Tokens.of(5000));
    assertThatThrownBy(() -> owner.resolve(honest)).hasMessageContaining("VotingOpen");
    owner.advanceTime(30);
    BigInteger liarPool = owner.pool(second.account()).activeAmount();
    BigInteger watchtowerBalance = owner.balanceOf(watchtower.account());
    owner.resolve(honest);
    owner.resolve(sybil);

    JobInfo done = dev.job(jobId);
    assertThat(done.status()).isEqualTo(JobStatus.FINALIZED);
    assertThat(done.result().orElseThrow().outputHash()).isEqualTo(h("right"));
    assertThat(owner.pool(second.account()).activeAmount())
        .isEqualTo(liarPool.subtract(liarPool.divide(BigInteger.TWO)));
    assertThat(owner.dispute(honest).verdict()).isEqualTo(Verdict.CHALLENGER_WINS);
    assertThat(owner.dispute(sybil).moot()).isTrue();
    BigInteger slashed = liarPool.divide(BigInteger.TWO);
    BigInteger reward =
        params.challengeBond().min(JobParams.ofWad(slashed, params.partyRewardWad()));
    assertThat(owner.balanceOf(watchtower.account()).subtract(watchtowerBalance))
        .isEqualTo(params.challengeBond().add(reward).add(Tokens.of(10)));
    // Votes hold the voters' stake until settled; the majority voter is paid the voter pool.
    assertThat(owner.obligations(verifier.account()).open()).isEqualTo(2);
    BigInteger verifierBalance = owner.balanceOf(verifier.account());
    as(9).settleVote(honest, verifier.account());
    as(9).settleVote(sybil, verifier.account());
    watchtower.settleVote(sybil, watchtower.account());
    assertThat(owner.balanceOf(verifier.account()).subtract(verifierBalance))
        .isEqualTo(JobParams.ofWad(slashed, params.voterRewardWad()));
    assertThat(owner.obligations(verifier.account()).open()).isZero();
    assertThat(owner.voteOf(honest, verifier.account()).settled()).isTrue();
    assertThatThrownBy(() -> verifier.settleVote(honest, verifier.account()))
        .hasMessageContaining("VoteSettledAlready");

    // The delegator's withdrawal waited for the job's obligation; it ended with the reassignment.
    Delegation queued = owner.delegation(first.account(), delegator.account());
    assertThat(queued.hasPendingWithdrawal()).isTrue();
    BigInteger balance = owner.balanceOf(delegator.account());
    owner.advanceTime(owner.withdrawalDelaySeconds());
    delegator.completeWithdrawal(first.account());
    assertThat(owner.balanceOf(delegator.account()).subtract(balance))
        .isEqualTo(queued.pendingAmount());

    List<SettlementEvent> events = owner.events().read(startBlock, owner.blockNumber());
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.Slashed).hasSize(2);
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.JobQueued).hasSize(2);
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.JobAssigned).hasSize(2);
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.JobChallenged).hasSize(2);
    assertThat(events)
        .filteredOn(e -> e instanceof SettlementEvent.DisputeResolved r && r.moot())
        .hasSize(1);
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.VoteSettled).hasSize(3);
    assertThat(events)
        .filteredOn(e -> e instanceof SettlementEvent.Slashed s && s.reason().equals("dispute"))
        .singleElement()
        .satisfies(
            e -> assertThat(((SettlementEvent.Slashed) e).by()).isEqualTo(deployment.jobManager()));
  }

  @Test
  void delegationAllocationWithdrawalAndExit() {
    Settlement op = operator(6, EnumSet.of(Role.COMPUTE, Role.VERIFIER), 500);
    Settlement staker = as(7);
    staker.delegate(op.account(), Tokens.of(300));
    OperatorInfo info = owner.operator(op.account());
    assertThat(info.stake()).isEqualTo(Tokens.of(800));
    assertThat(info.delegatedStake()).isEqualTo(Tokens.of(300));
    assertThat(owner.weightOf(op.account(), Role.COMPUTE)).isEqualTo(Tokens.of(800));

    op.setAllocation(Role.COMPUTE, JobParams.percent(50));
    assertThat(owner.weightOf(op.account(), Role.COMPUTE)).isEqualTo(Tokens.of(400));
    assertThat(owner.weightOf(op.account(), Role.VERIFIER)).isEqualTo(Tokens.of(800));
    assertThatThrownBy(() -> op.setAllocation(Role.DA, JobParams.WAD))
        .hasMessageContaining("RoleNotHeld");
    // An active operator keeps minSelfStake of its own.
    assertThatThrownBy(() -> op.queueWithdrawal(op.account(), Tokens.of(401)))
        .hasMessageContaining("BelowMinSelfStake");

    staker.queueWithdrawal(op.account(), Tokens.of(100));
    assertThat(owner.operator(op.account()).stake()).isEqualTo(Tokens.of(700));
    assertThat(owner.operator(op.account()).pendingStake()).isEqualTo(Tokens.of(100));
    assertThatThrownBy(() -> staker.completeWithdrawal(op.account()))
        .hasMessageContaining("WithdrawalNotReady");
    owner.advanceTime(owner.withdrawalDelaySeconds());
    BigInteger before = owner.balanceOf(staker.account());
    staker.completeWithdrawal(op.account());
    assertThat(owner.balanceOf(staker.account()).subtract(before)).isEqualTo(Tokens.of(100));

    op.deregister();
    assertThat(owner.operator(op.account()).status()).isEqualTo(OperatorStatus.EXITED);
    assertThat(owner.operators()).doesNotContain(op.account());
    assertThat(owner.weightOf(op.account(), Role.COMPUTE)).isZero();
    op.queueWithdrawal(op.account(), Settlement.ALL);
    owner.advanceTime(owner.withdrawalDelaySeconds());
    op.completeWithdrawal(op.account());
    assertThat(owner.delegation(op.account(), op.account()).activeStake()).isZero();
    assertThatThrownBy(
            () -> op.register(EnumSet.of(Role.COMPUTE), op.account(), "http://x", Tokens.of(100)))
        .hasMessageContaining("AlreadyRegistered");
  }

  @Test
  void anExpiredJobRefundsTheSubmitterAndSlashesNobody() {
    Settlement op = operator(10, EnumSet.of(Role.COMPUTE), 500);
    Settlement dev = as(11);
    owner.setAllowlisted(dev.account(), true);
    BigInteger appId =
        dev.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, h("expiring"), new byte[0]).id();
    BigInteger before = dev.balanceOf(dev.account());
    BigInteger jobId = dev.submitJob(appId, h("k"), h("d"), 1000, params.minFee()).id();
    assertThat(dev.balanceOf(dev.account()))
        .isEqualTo(before.subtract(params.minFee()).subtract(params.submitterDeposit()));
    assertThatThrownBy(() -> dev.expire(jobId)).hasMessageContaining("NotExpired");
    owner.advanceTime(params.maxJobDurationSeconds() + 1);
    dev.expire(jobId);
    assertThat(dev.job(jobId).status()).isEqualTo(JobStatus.FAILED);
    assertThat(dev.balanceOf(dev.account())).isEqualTo(before);
    assertThat(owner.events().read(0, owner.blockNumber()))
        .filteredOn(e -> e instanceof SettlementEvent.JobFailed f && f.jobId().equals(jobId))
        .singleElement()
        .satisfies(e -> assertThat(((SettlementEvent.JobFailed) e).reason()).isEqualTo("expired"));
    assertThat(owner.operator(op.account()).stake()).isEqualTo(Tokens.of(500));
  }

  @Test
  void refusedInputsChangeNothing() {
    Settlement op = operator(12, EnumSet.of(Role.COMPUTE), 500);
    BigInteger stake = op.operator(op.account()).stake();
    assertThatThrownBy(
            () -> op.register(EnumSet.of(Role.COMPUTE), op.account(), "http://x", Tokens.of(100)))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("AlreadyRegistered");
    assertThatThrownBy(() ->
            as(13)
                .register(
                    EnumSet.of(Role.COMPUTE), keys.get(13).address(), "http://x", Tokens.of(99)))
        .hasMessageContaining("BelowMinSelfStake");
    assertThatThrownBy(() -> op.deposit(BigInteger.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> op.delegate(op.account(), BigInteger.ONE.negate()))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> op.setAllocation(Role.COMPUTE, JobParams.WAD.add(BigInteger.ONE)))
        .hasMessageContaining("WAD");
    assertThatThrownBy(() -> owner.job(BigInteger.valueOf(9999)))
        .hasMessageContaining("UnknownJob");
    assertThatThrownBy(() -> owner.app(BigInteger.valueOf(9999)))
        .hasMessageContaining("UnknownApp");
    assertThatThrownBy(() -> owner.dispute(BigInteger.valueOf(9999)))
        .hasMessageContaining("UnknownDispute");
    assertThatThrownBy(() -> as(14).createApp(TrustMode.TEE, h("p"), new byte[0]))
        .hasMessageContaining("NotAllowlisted");
    owner.setAllowlisted(keys.get(14).address(), true);
    // Every built-in mode is enabled on the devnet; a disabled mode's refusal (ModeNotAvailable) is
    // tested in forge
    // (AppRegistry.t.sol, ModeRegistry.t.sol) and through the timelock in ObjectiveCliIT.
    // Governance goes through the timelock, whose proposer is the deployer only.
    assertThatThrownBy(() -> as(14).setMinStake(Role.COMPUTE, BigInteger.ONE))
        .hasMessageContaining("AccessControlUnauthorizedAccount");
    assertThat(op.operator(op.account()).stake()).isEqualTo(stake);
  }
}
