package dev.trustdial.sim.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.node.objective.ChainGameBoard;
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
import java.util.List;

/**
 * The REEXEC_OBJECTIVE scenario of SimChainDifferentialIT (docs/spec/sim-vectors.md §7): the real
 * contracts on anvil and the model driven in lockstep — an ObjectiveConfig for the sha256chain
 * guest, an objective app, its input posted, jobs submitted and assigned, results checked by the
 * court, and whole matches played by the node's {@link GamePlayer}s on both boards at once (one on
 * {@link ChainGameBoard}, its twin on {@link SimChain#gameBoard}) down to one RV32IM step that
 * RiscvStep executes onchain and WitnessChecker in the model, plus a timeout and a moot match;
 * refused moves of each rule on both. After every transaction the outcome, the whole settlement
 * state (SimChainDifferentialIT.Pair.compare) and every match must be equal.
 */
final class ObjectiveLockstep {
  static final int S_LOG2 = 8;
  static final long MAX_STEPS = 8192;
  static final VmConfig CFG = VmConfig.defaults();

  private final SimChainDifferentialIT.Pair p;
  private final ObjectiveCourtClient court;
  private final byte[] elf;
  private final byte[] input;
  private int moves;

  private ObjectiveLockstep(SimChainDifferentialIT.Pair p) throws Exception {
    this.p = p;
    this.court = ObjectiveCourtClient.of(p.owner);
    this.elf =
        Files.readAllBytes(Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf"));
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN).putInt(1);
    for (int i = 0; i < 40; i++) {
      b.put((byte) (i * 7 + 3));
    }
    this.input = b.array();
  }

  /** Runs the scenario on a pair set up by Generator.setup(); returns the moves played. */
  static int play(SimChainDifferentialIT.Pair p) throws Exception {
    return new ObjectiveLockstep(p).run();
  }

  private Settlement real(int account) {
    return p.owner.as(p.keys.get(account));
  }

  private TraceRun trace() {
    return TraceRun.honest(elf, input, CFG, new TraceShape(MAX_STEPS, S_LOG2));
  }

  private int run() {
    assertThat(p.model.objectiveCourt()).isEqualTo(court.court());
    VmState image = Vm.load(elf, new byte[0], CFG).state();
    Bytes32 digest = Hashes.keccak256(elf);
    ObjectiveAppConfig cfg =
        new ObjectiveAppConfig(
            digest,
            Integer.toUnsignedLong(image.pc()),
            image.memRoot(),
            CFG.ramEnd(),
            CFG.outputLimit(),
            S_LOG2);
    Address[] configAt = new Address[1];
    p.act(
        "deploy ObjectiveConfig",
        1,
        () -> configAt[0] = ObjectiveApps.of(real(6)).deployConfig(cfg).address(),
        () -> p.model.deployObjectiveConfig(cfg, configAt[0]));
    BigInteger app = BigInteger.TWO; // app 1 is Generator.setup()'s
    p.act(
        "createApp REEXEC_OBJECTIVE",
        1,
        () -> real(6).createApp(TrustMode.REEXEC_OBJECTIVE, digest, new byte[0]),
        () -> p.model.createApp(p.addr(6), TrustMode.REEXEC_OBJECTIVE, digest));
    p.act(
        "submitJob before setAppConfig",
        1,
        () -> real(6).submitJob(app, h("in-x"), h("d"), MAX_STEPS, fee()),
        () -> p.model.submitJob(p.addr(6), app, h("in-x"), h("d"), MAX_STEPS, fee()));
    p.act(
        "setAppConfig by a stranger",
        1,
        () -> real(1).setAppConfig(app, configAt[0]),
        () -> p.model.setAppConfig(p.addr(1), app, configAt[0]));
    p.act(
        "setAppConfig",
        1,
        () -> real(6).setAppConfig(app, configAt[0]),
        () -> p.model.setAppConfig(p.addr(6), app, configAt[0]));
    byte[] envelope = new JobEnvelope(h("program-key"), 1L << S_LOG2, input).encode();
    p.act(
        "postInput",
        1,
        () -> ObjectiveApps.of(real(6)).postInput(envelope),
        () -> p.model.postInput(envelope));
    Bytes32 inputDigest = Hashes.keccak256(envelope);
    StrideTrace honest = trace().strideTrace();

    // A lying operator, refuted at its first wrong step; a second challenger's match goes moot.
    BigInteger a = job(app, inputDigest, "a");
    int op = assignee(a);
    StrideTrace lie = trace().lying(new TraceLie(3001)).strideTrace();
    List<Bytes32> bad = new ArrayList<>(lie.finalLeafProof());
    bad.set(0, h("x"));
    act(
        "submitObjectiveResult with a bad leaf proof",
        op,
        s -> s.submitObjectiveResult(a, lie.finalState().encode(), lie.root(), bad, h("o")));
    act(
        "submitResult on an objective job",
        op,
        s -> s.submitResult(a, GamePlayer.commitmentOf(honest), h("o")));
    act(
        "submitObjectiveResult",
        op,
        s ->
            s.submitObjectiveResult(
                a, lie.finalState().encode(), lie.root(), lie.finalLeafProof(), h("o")));
    int c1 = other(op, 0);
    int c2 = other(op, 1);
    act(
        "challenge with the operator's trace root",
        c1,
        s ->
            s.challenge(
                a, new ResultCommitment(h("o2"), h("f2"), honest.finalState().step(), lie.root())));
    BigInteger d1 = challenge(a, c1, honest);
    BigInteger d2 = challenge(a, c2, honest);
    p.act(
        "a move out of turn",
        1,
        () -> board(op).start(d1, Bytes32.ZERO, Bytes32.ZERO),
        () -> p.model.gameBoard(p.addr(op)).start(d1, Bytes32.ZERO, Bytes32.ZERO));
    p.act(
        "start with the wrong children",
        1,
        () -> board(c1).start(d1, h("l"), h("r")),
        () -> p.model.gameBoard(p.addr(c1)).start(d1, h("l"), h("r")));
    games(
        List.of(
            new Twin(c1, d1, honest, Behaviour.PLAY),
            new Twin(op, d1, lie, Behaviour.PLAY),
            new Twin(c2, d2, honest, Behaviour.PLAY)));

    // A lying challenger that never moves: the honest operator wins on time and finalizes.
    BigInteger b = job(app, inputDigest, "b");
    int op2 = assignee(b);
    act(
        "submitObjectiveResult (honest)",
        op2,
        s ->
            s.submitObjectiveResult(
                b, honest.finalState().encode(), honest.root(), honest.finalLeafProof(), h("o")));
    int liar = other(op2, 0);
    BigInteger d3 = challenge(b, liar, trace().lying(new TraceLie(17)).strideTrace());
    p.act(
        "timeout while the clock runs",
        1,
        () -> board(op2).timeout(d3),
        () -> p.model.gameBoard(p.addr(op2)).timeout(d3));
    p.act("mine after the clock", 601, () -> p.owner.mineBlocks(1), p.model::mine);
    games(
        List.of(
            new Twin(op2, d3, honest, Behaviour.PLAY),
            new Twin(liar, d3, trace().lying(new TraceLie(17)).strideTrace(), Behaviour.SILENT)));
    long window = p.owner.params().challengeWindowSeconds();
    p.act(
        "finalize",
        window + 1,
        () -> real(op2).finalizeJob(b),
        () -> p.model.as(p.addr(op2)).finalizeJob(b));
    return moves;
  }

  private BigInteger job(BigInteger app, Bytes32 inputDigest, String tag) {
    p.act(
        "submitJob " + tag,
        1,
        () -> real(6).submitJob(app, h("input-" + tag), inputDigest, MAX_STEPS, fee()),
        () -> p.model.submitJob(p.addr(6), app, h("input-" + tag), inputDigest, MAX_STEPS, fee()));
    BigInteger id = p.owner.jobCount();
    p.act("mine", 1, () -> p.owner.mineBlocks(1), p.model::mine);
    p.act("mine", 1, () -> p.owner.mineBlocks(1), p.model::mine);
    p.act("assign " + tag, 1, () -> real(1).assign(id), () -> p.model.as(p.addr(1)).assign(id));
    return id;
  }

  private BigInteger challenge(BigInteger job, int by, StrideTrace t) {
    act("challenge by " + by, by, s -> s.challenge(job, GamePlayer.challengeCommitmentOf(t)));
    return p.owner.disputeCount();
  }

  /** One transaction of {@code account} on both, through the settlement port. */
  private void act(
      String what,
      int account,
      java.util.function.Consumer<dev.trustdial.chain.SettlementPort> tx) {
    p.act(what, 1, () -> tx.accept(real(account)), () -> tx.accept(p.model.as(p.addr(account))));
  }

  private int assignee(BigInteger job) {
    Address a = p.owner.job(job).assignee();
    return p.keys.stream().map(k -> k.address()).toList().indexOf(a);
  }

  /** The {@code k}-th operator (1..5) other than {@code not}. */
  private static int other(int not, int k) {
    for (int i = 1; i <= 5; i++) {
      if (i != not && k-- == 0) {
        return i;
      }
    }
    throw new IllegalStateException("no operator");
  }

  private ChainGameBoard board(int account) {
    return new ChainGameBoard(real(account));
  }

  private BigInteger fee() {
    return p.owner.params().minFee();
  }

  private static Bytes32 h(String s) {
    return Hashes.keccak256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A player on the chain and its twin on the model, from the same trace. */
  private final class Twin {
    final BigInteger disputeId;
    final GamePlayer onChain;
    final GamePlayer onModel;

    Twin(int account, BigInteger disputeId, StrideTrace trace, Behaviour behaviour) {
      this.disputeId = disputeId;
      this.onChain = new GamePlayer(board(account), disputeId, trace, behaviour);
      this.onModel =
          new GamePlayer(p.model.gameBoard(p.addr(account)), disputeId, trace, behaviour);
    }
  }

  /**
   * Polls every twin in turn, a second apart, until every match is over: each poll must do the same
   * on both, and the state after it must be equal.
   */
  private void games(List<Twin> twins) {
    for (int round = 0; round < 400; round++) {
      boolean allDone = true;
      for (Twin t : twins) {
        String[] polls = new String[2];
        p.act(
            "poll match " + t.disputeId,
            1,
            () -> polls[0] = describe(t.onChain.poll()),
            () -> polls[1] = describe(t.onModel.poll()));
        assertThat(polls[1]).as("match " + t.disputeId + " poll").isEqualTo(polls[0]);
        if (polls[0].startsWith("Moved")) {
          moves++;
        }
        ObjectiveMatch m = court.match(t.disputeId);
        assertThat(p.model.gameBoard(p.addr(0)).match(t.disputeId))
            .as("match " + t.disputeId)
            .isEqualTo(m);
        allDone &= m.done();
      }
      if (allDone) {
        return;
      }
    }
    throw new AssertionError("the matches did not end");
  }

  private static String describe(GamePlayer.Poll poll) {
    return switch (poll) {
      case GamePlayer.Moved m -> "Moved " + m.kind();
      case GamePlayer.Waiting w -> "Waiting " + w.why();
      case GamePlayer.Finished f -> "Finished " + f.verdict() + (f.moot() ? " moot" : "");
      case GamePlayer.Refused r -> "Refused " + r.kind();
    };
  }
}
