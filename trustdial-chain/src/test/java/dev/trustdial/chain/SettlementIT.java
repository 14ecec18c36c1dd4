package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
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

/** The settlement contracts on a real anvil, through the typed client. */
class SettlementIT {
  static Anvil anvil;
  static Settlement owner;
  static List<Secp256k1Key> keys;
  static Deployment deployment;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("settlement-it");
    anvil = Anvil.start(Anvil.Options.defaults(dir.resolve("anvil.log")));
    keys = anvil.devKeys();
    SettlementDeployer.Result r = SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(0), SettlementDeployer.Config.devnet(), s -> {});
    deployment = r.deployment();
    owner = Settlement.connect(anvil.rpcUrl(), deployment, keys.get(0));
    for (int i = 1; i < keys.size(); i++) {
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
    }
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
    s.register(roles, keys.get(i).address(), "http://127.0.0.1:" + (9000 + i));
    s.deposit(Tokens.of(stake));
    return s;
  }

  static Bytes32 h(String s) {
    return Hashes.keccak256(s.getBytes());
  }

  @Test
  void fullLifecycleWithLivenessSlashReassignmentChallengeAndVote() {
    Settlement op1 = operator(1, EnumSet.of(Role.COMPUTE), 1000);
    Settlement op2 = operator(2, EnumSet.of(Role.COMPUTE), 1000);
    Settlement verifier = operator(3, EnumSet.of(Role.VERIFIER), 5000);
    Settlement dev = as(5);
    owner.setAllowlisted(dev.account(), true);
    BigInteger appId = dev.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, h("program"), new byte[0]).id();
    assertThat(dev.app(appId).mode()).isEqualTo(TrustMode.REEXEC_INTERSUBJECTIVE);

    long startBlock = owner.blockNumber();
    BigInteger jobId = dev.submitJob(appId, h("input-key"), h("input"), 10_000_000, Tokens.of(10)).id();
    JobInfo job = dev.job(jobId);
    assertThat(job.status()).isEqualTo(JobStatus.ASSIGNED);
    Settlement first = job.assignee().equals(op1.account()) ? op1 : op2;
    Settlement second = first == op1 ? op2 : op1;

    first.heartbeat(jobId, 1 << 20, h("state-1"), h("ckpt-1"));
    // A heartbeat from anyone else is refused and changes nothing.
    assertThatThrownBy(() -> second.heartbeat(jobId, 2 << 20, h("x"), h("y")))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("NotAssignee");
    assertThat(dev.job(jobId).lastStep()).isEqualTo(1 << 20);

    // Too early to report a miss.
    assertThatThrownBy(() -> verifier.reportMissed(jobId)).isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("DeadlineNotPassed");
    BigInteger stakeBefore = first.operator(first.account()).stake();
    owner.advanceTime(owner.params().heartbeatWindowSeconds() + 1);
    verifier.reportMissed(jobId);
    BigInteger stakeAfter = first.operator(first.account()).stake();
    assertThat(stakeAfter).isEqualTo(stakeBefore.subtract(stakeBefore.divide(BigInteger.TEN)));

    JobInfo reassigned = dev.job(jobId);
    assertThat(reassigned.assignee()).isEqualTo(second.account());
    assertThat(reassigned.attempt()).isEqualTo(1);
    assertThat(reassigned.lastCheckpointBlobKey()).isEqualTo(h("ckpt-1"));

    ResultCommitment lie = new ResultCommitment(h("wrong"), h("final"), 3 << 20, h("root"));
    ResultCommitment truth = new ResultCommitment(h("right"), h("final"), 3 << 20, h("root"));
    second.heartbeat(jobId, 2 << 20, h("state-2"), h("ckpt-2"));
    second.submitResult(jobId, lie, h("out-key"));
    Settlement watchtower = as(4);
    watchtower.challenge(jobId, truth);
    assertThatThrownBy(() -> watchtower.vote(jobId, truth.commitment())).isInstanceOf(ContractRevertException.class);
    assertThat(dev.job(jobId).status()).isEqualTo(JobStatus.DISPUTED);
    verifier.vote(jobId, truth.commitment());
    assertThatThrownBy(() -> verifier.vote(jobId, truth.commitment())).hasMessageContaining("AlreadyVoted");
    DisputeInfo d = owner.dispute(jobId);
    assertThat(d.challengerCommitment()).isEqualTo(truth.commitment());
    owner.advanceTime(30);
    BigInteger liarStake = second.operator(second.account()).stake();
    owner.resolve(jobId);

    JobInfo done = dev.job(jobId);
    assertThat(done.status()).isEqualTo(JobStatus.FINALIZED);
    assertThat(done.result().orElseThrow().outputHash()).isEqualTo(h("right"));
    assertThat(second.operator(second.account()).stake()).isEqualTo(liarStake.divide(BigInteger.TWO));

    List<SettlementEvent> events = owner.events().read(startBlock, owner.blockNumber());
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.Slashed).hasSize(2);
    assertThat(events).filteredOn(e -> e instanceof SettlementEvent.JobAssigned).hasSize(2);
    assertThat(events.getLast()).isInstanceOfAny(SettlementEvent.JobFinalized.class, SettlementEvent.DisputeSettled.class);
  }

  @Test
  void refusedInputsChangeNothing() {
    Settlement op = operator(6, EnumSet.of(Role.COMPUTE), 500);
    BigInteger stake = op.operator(op.account()).stake();
    assertThatThrownBy(() -> op.register(EnumSet.of(Role.COMPUTE), op.account(), "http://x"))
        .isInstanceOf(ContractRevertException.class).hasMessageContaining("AlreadyRegistered");
    assertThatThrownBy(() -> op.deposit(BigInteger.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> owner.job(BigInteger.valueOf(9999))).hasMessageContaining("UnknownJob");
    assertThatThrownBy(() -> owner.app(BigInteger.valueOf(9999))).hasMessageContaining("UnknownApp");
    assertThatThrownBy(() -> as(7).createApp(TrustMode.TEE, h("p"), new byte[0]))
        .isInstanceOf(ContractRevertException.class);
    assertThat(op.operator(op.account()).stake()).isEqualTo(stake);
  }
}
