package dev.trustdial.sim.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.node.objective.GamePlayer;
import dev.trustdial.node.objective.GamePlayer.Behaviour;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model's ObjectiveCourt with the node's real {@link GamePlayer}s on {@link SimChain#gameBoard}
 * boards: sha256chain (1 iteration over 40 bytes halts at step 6,345) under maxSteps 8,192 and s =
 * 8 (H = 5), whole matches down to one step checked by the Java step function; each rule's attack
 * refused with the contract's error name; tokens conserved after every transaction.
 */
class SimObjectiveCourtTest {
  static final long T0 = 1_800_000_000L;
  static final int S_LOG2 = 8;
  static final long MAX_STEPS = 8192;
  static final VmConfig CFG = VmConfig.defaults();

  static byte[] elf;
  static byte[] input;
  static StrideTrace honest;

  SimChain chain;
  List<Address> ops;
  Address developer;
  BigInteger appId;
  Bytes32 digest;

  @BeforeAll
  static void guest() throws Exception {
    Path p = Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");
    assertThat(p).as("run trustdial-vm/setup.sh (./trustdial test does)").isRegularFile();
    elf = Files.readAllBytes(p);
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN).putInt(1);
    for (int i = 0; i < 40; i++) {
      b.put((byte) (i * 7 + 3));
    }
    input = b.array();
    honest = run().strideTrace();
  }

  static TraceRun run() {
    return TraceRun.honest(elf, input, CFG, new TraceShape(MAX_STEPS, S_LOG2));
  }

  static Address addr(int i) {
    byte[] a = new byte[20];
    a[0] = 0x22;
    a[19] = (byte) i;
    return new Address(a);
  }

  @BeforeEach
  void setUp() {
    chain = new SimChain(SimChain.Config.devnet(T0, 3));
    developer = addr(100);
    chain.mint(developer, Tokens.of(10_000));
    ops = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      Address a = addr(i);
      ops.add(a);
      chain.mint(a, Tokens.of(5_000));
      chain.as(a).register(EnumSet.of(Role.COMPUTE, Role.VERIFIER), a, "http://op" + i, STAKE);
    }
    for (int i = 0; i <= chain.config().registry().activationDelayBlocks(); i++) {
      chain.mine();
    }
    VmState image = Vm.load(elf, new byte[0], CFG).state();
    digest = Hashes.keccak256(elf);
    Address config =
        chain.deployObjectiveConfig(
            new ObjectiveAppConfig(
                digest,
                Integer.toUnsignedLong(image.pc()),
                image.memRoot(),
                CFG.ramEnd(),
                CFG.outputLimit(),
                S_LOG2));
    appId = chain.createApp(developer, TrustMode.REEXEC_OBJECTIVE, digest);
    assertThatThrownBy(() -> chain.setAppConfig(addr(1), appId, config))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("NotAppOwner");
    assertThatThrownBy(() -> chain.setAppConfig(developer, appId, addr(77)))
        .hasMessageContaining("NotAContract");
    assertThatThrownBy(() -> chain.submitJob(developer, appId, h("in"), h("d"), MAX_STEPS, fee()))
        .hasMessageContaining("NoAppConfig");
    chain.setAppConfig(developer, appId, config);
    chain.checkInvariants();
  }

  static final BigInteger STAKE = Tokens.of(1000);

  BigInteger fee() {
    return chain.config().params().minFee();
  }

  static Bytes32 h(String s) {
    return Hashes.keccak256(s.getBytes());
  }

  void advance(long seconds) {
    chain.setTime(chain.time() + seconds);
  }

  /** A job with its input posted, assigned; returns its id. */
  BigInteger job() {
    byte[] envelope = new JobEnvelope(h("program-key"), 1L << S_LOG2, input).encode();
    Bytes32 d = chain.postInput(envelope);
    assertThat(d).isEqualTo(Hashes.keccak256(envelope));
    BigInteger id = chain.submitJob(developer, appId, h("blob"), d, MAX_STEPS, fee());
    advance(1);
    chain.mine();
    advance(1);
    chain.as(ops.get(0)).assign(id);
    return id;
  }

  Address assignee(BigInteger id) {
    return chain.as(developer).job(id).assignee();
  }

  void submit(BigInteger id, StrideTrace t) {
    chain
        .as(assignee(id))
        .submitObjectiveResult(
            id, t.finalState().encode(), t.root(), t.finalLeafProof(), h("output"));
  }

  Address other(BigInteger id, int k) {
    Address a = assignee(id);
    return ops.stream().filter(o -> !o.equals(a)).skip(k).findFirst().orElseThrow();
  }

  /** Both players poll, one second a round, until the match is over or nobody moves for long. */
  ObjectiveMatch play(BigInteger disputeId, GamePlayer... players) {
    for (int round = 0; round < 2_000; round++) {
      for (GamePlayer p : players) {
        GamePlayer.Poll poll = p.poll();
        assertThat(poll).isNotInstanceOf(GamePlayer.Refused.class);
        chain.checkInvariants();
      }
      ObjectiveMatch m = chain.gameBoard(developer).match(disputeId);
      if (m.done()) {
        return m;
      }
      advance(1);
      chain.mine();
    }
    throw new AssertionError("match " + disputeId + " did not end");
  }

  @Test
  void theCourtsPrestateIsTheVmsInitialState() {
    BigInteger id = job();
    VmState t0 = Vm.load(elf, input, CFG).state();
    assertThat(chain.objectivePrestate(id)).isEqualTo(t0.encode());
    assertThat(chain.objectiveReads().prestateHash(id)).isEqualTo(honest.prestate().hash());
    assertThat(chain.as(developer).pin(id).adapter()).contains(SimChain.OBJECTIVE_COURT);
  }

  @Test
  void aResultIsCheckedByTheCourtAndOnlyThroughItsOwnEntryPoint() {
    BigInteger id = job();
    Address op = assignee(id);
    assertThatThrownBy(
            () -> chain.as(op).submitResult(id, GamePlayer.commitmentOf(honest), h("output")))
        .hasMessageContaining("WrongMode");
    List<Bytes32> badProof = new ArrayList<>(honest.finalLeafProof());
    badProof.set(0, h("x"));
    assertThatThrownBy(() ->
            chain
                .as(op)
                .submitObjectiveResult(
                    id, honest.finalState().encode(), honest.root(), badProof, h("o")))
        .hasMessageContaining("BadFinalLeafProof");
    assertThatThrownBy(() ->
            chain
                .as(op)
                .submitObjectiveResult(
                    id, honest.prestate().encode(), honest.root(), honest.finalLeafProof(), h("o")))
        .hasMessageContaining("NotTerminal");
    byte[] bad = honest.finalState().encode();
    bad[4] = 1; // x0
    assertThatThrownBy(() ->
            chain
                .as(op)
                .submitObjectiveResult(id, bad, honest.root(), honest.finalLeafProof(), h("o")))
        .hasMessageContaining("BadState");
    long block = chain.blockNumber();
    submit(id, honest);
    assertThat(chain.blockNumber()).isEqualTo(block + 1);
    JobInfo j = chain.as(developer).job(id);
    assertThat(j.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(j.result().orElseThrow()).isEqualTo(GamePlayer.commitmentOf(honest));
  }

  @Test
  void aLyingOperatorIsRefutedBySteppingTheVmAndSlashed() {
    BigInteger id = job();
    Address op = assignee(id);
    StrideTrace lie = run().lying(new TraceLie(3001)).strideTrace();
    submit(id, lie);
    Address watcher = other(id, 0);
    BigInteger stakeBefore = chain.stakes().get(op);
    BigInteger watcherBefore = chain.balanceOf(watcher);
    assertThatThrownBy(() ->
            chain
                .as(watcher)
                .challenge(
                    id, new ResultCommitment(h("other-out"), h("other-final"), 6345, lie.root())))
        .hasMessageContaining("SameTraceRoot");
    BigInteger disputeId =
        chain.as(watcher).challenge(id, GamePlayer.challengeCommitmentOf(honest)).id();
    assertThatThrownBy(() -> chain.as(developer).dispute(disputeId))
        .hasMessageContaining("UnknownDispute");
    assertThatThrownBy(() -> chain.gameBoard(op).start(disputeId, Bytes32.ZERO, Bytes32.ZERO))
        .hasMessageContaining("NotYourTurn");
    ObjectiveMatch m =
        play(
            disputeId,
            new GamePlayer(chain.gameBoard(op), disputeId, lie, Behaviour.PLAY),
            new GamePlayer(chain.gameBoard(watcher), disputeId, honest, Behaviour.PLAY));
    assertThat(m.verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(m.stepNumber()).isEqualTo(3000); // the step T(3000) -> T(3001) the lie starts at
    JobInfo j = chain.as(developer).job(id);
    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(j.attempt()).isEqualTo(1);
    assertThat(j.result()).isEmpty();
    assertThat(chain.stakes().get(op)).isLessThan(stakeBefore);
    // the bond back plus min(bond, partyRewardWad of the slash)
    assertThat(chain.balanceOf(watcher)).isGreaterThan(watcherBefore);
    assertThat(chain.events())
        .filteredOn(e -> e instanceof SettlementEvent.DisputeResolved)
        .singleElement()
        .satisfies(e ->
            assertThat(((SettlementEvent.DisputeResolved) e).verdict())
                .isEqualTo(Verdict.OPERATOR_REFUTED));
    chain.checkInvariants();
  }

  @Test
  void aLyingChallengerLosesItsBondAndTheResultFinalizes() {
    BigInteger id = job();
    Address op = assignee(id);
    submit(id, honest);
    Address liar = other(id, 0);
    StrideTrace lie = run().lying(new TraceLie(17)).strideTrace();
    BigInteger liarBefore = chain.balanceOf(liar);
    BigInteger disputeId = chain.as(liar).challenge(id, GamePlayer.challengeCommitmentOf(lie)).id();
    ObjectiveMatch m =
        play(
            disputeId,
            new GamePlayer(chain.gameBoard(op), disputeId, honest, Behaviour.PLAY),
            new GamePlayer(chain.gameBoard(liar), disputeId, lie, Behaviour.PLAY));
    assertThat(m.verdict()).isEqualTo(Verdict.OPERATOR_WINS);
    assertThat(chain.balanceOf(liar))
        .isEqualTo(liarBefore.subtract(chain.config().params().challengeBond()));
    assertThat(chain.as(developer).job(id).status()).isEqualTo(JobStatus.SUBMITTED);
    advance(chain.config().params().challengeWindowSeconds() + 1);
    chain.as(op).finalizeJob(id);
    assertThat(chain.as(developer).job(id).status()).isEqualTo(JobStatus.FINALIZED);
    chain.checkInvariants();
  }

  @Test
  void aSilentOperatorLosesOnTimeAndASecondMatchIsClosedMoot() {
    BigInteger id = job();
    Address op = assignee(id);
    StrideTrace lie = run().lying(new TraceLie(100)).strideTrace();
    submit(id, lie);
    Address first = other(id, 0);
    Address second = other(id, 1);
    BigInteger d1 = chain.as(first).challenge(id, GamePlayer.challengeCommitmentOf(honest)).id();
    BigInteger d2 = chain.as(second).challenge(id, GamePlayer.challengeCommitmentOf(honest)).id();
    GamePlayer c1 = new GamePlayer(chain.gameBoard(first), d1, honest, Behaviour.PLAY);
    GamePlayer o1 = new GamePlayer(chain.gameBoard(op), d1, lie, Behaviour.SILENT);
    assertThat(c1.poll()).isInstanceOf(GamePlayer.Moved.class); // start
    assertThatThrownBy(() -> chain.gameBoard(first).timeout(d1))
        .hasMessageContaining("ClockRunning");
    advance(chain.gameBoard(op).match(d1).clockO() + 1);
    ObjectiveMatch m = play(d1, o1, c1);
    assertThat(m.verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(chain.as(developer).job(id).status()).isEqualTo(JobStatus.QUEUED);
    BigInteger secondBefore = chain.balanceOf(second);
    ObjectiveMatch m2 =
        play(d2, new GamePlayer(chain.gameBoard(second), d2, honest, Behaviour.PLAY));
    assertThat(m2.moot()).isTrue();
    assertThat(m2.verdict()).isEqualTo(Verdict.NONE);
    assertThat(chain.balanceOf(second))
        .isEqualTo(secondBefore.add(chain.config().params().challengeBond()));
    assertThatThrownBy(() -> chain.gameBoard(second).closeMoot(d2))
        .hasMessageContaining("WrongPhase");
    chain.checkInvariants();
  }
}
