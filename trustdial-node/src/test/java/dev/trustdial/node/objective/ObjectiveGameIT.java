package dev.trustdial.node.objective;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.node.job.MemoryDa;
import dev.trustdial.node.objective.GamePlayer.Behaviour;
import dev.trustdial.node.objective.GamePlayer.MoveKind;
import dev.trustdial.node.objective.GamePlayer.Moved;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REEXEC_OBJECTIVE end to end on a real anvil with the real contracts (SettlementDeployer:
 * RiscvStep, InputOracle, ObjectiveCourt; mode 2 enabled by the deployment), an ObjectiveConfig for
 * the sha256chain guest, its input posted onchain, an in-process operator submitting its trace
 * commitment, and in-process {@link GamePlayer}s playing whole matches down to one RV32IM step
 * executed by RiscvStep. sha256chain(1 iteration, 40 bytes) halts at step 6,345; maxSteps 8,192
 * with s = 8 gives H = 5. Accounts: 0 owner, 1..3 operators, 4 honest watcher, 5 second challenger,
 * 6 user, 7 developer.
 */
class ObjectiveGameIT {
  static final int S_LOG2 = 8;
  static final long MAX_STEPS = 8192;
  static final VmConfig CFG = VmConfig.defaults();
  static final Map<MoveKind, LongSummaryStatistics> GAS = new EnumMap<>(MoveKind.class);
  static final List<String> FIGURES = new ArrayList<>();

  static Anvil anvil;
  static Settlement owner;
  static List<Secp256k1Key> keys;
  static ObjectiveCourtClient court;
  static byte[] elf;
  static byte[] input;
  static BigInteger appId;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("objective-game-it");
    anvil =
        Anvil.start(
            new Anvil.Options(
                0,
                Anvil.DEFAULT_BLOCK_TIME_SECONDS,
                10,
                Anvil.DEVNET_CHAIN_ID,
                dir.resolve("anvil.log")));
    keys = anvil.devKeys();
    // Windows long enough that the clock fast-forwards of one scenario never close another's.
    JobParams params =
        new JobParams(
            3600,
            3600,
            86_400,
            1L << 40,
            60,
            8,
            JobParams.percent(10),
            JobParams.percent(50),
            Tokens.of(50),
            Tokens.of(1),
            Tokens.of(1),
            JobParams.percent(50),
            JobParams.percent(50),
            JobParams.percent(20),
            Address.ZERO);
    SettlementDeployer.Config config =
        SettlementDeployer.Config.devnet()
            .withJobParams(params)
            .withApps(new SettlementDeployer.AppCreation(true, List.of()));
    var deployed = SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(0), config, s -> {});
    owner = Settlement.connect(anvil.rpcUrl(), deployed.deployment(), keys.get(0));
    for (int i = 1; i < keys.size(); i++) {
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
    }
    court = ObjectiveCourtClient.of(owner);
    assertThat(ObjectiveApps.of(owner).modeEnabled())
        .as("the devnet deployment enables mode 2")
        .isTrue();
    for (int i = 1; i <= 3; i++) {
      as(i)
          .register(
              Set.of(Role.COMPUTE),
              keys.get(i).address(),
              "http://127.0.0.1:" + (9000 + i),
              Tokens.of(5000));
    }
    owner.mineBlocks((int) owner.activationDelayBlocks() + 1);

    elf = Files.readAllBytes(Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf"));
    input = sha256chainInput(1, 40);
    VmState image = Vm.load(elf, new byte[0], CFG).state();
    Settlement dev = as(7);
    Bytes32 digest = Hashes.keccak256(elf);
    Address config2 =
        dev.deployContract(
                "ObjectiveConfig",
                objectiveConfigCreationCode(
                    digest, image.pc(), image.memRoot(), CFG.ramEnd(), CFG.outputLimit(), S_LOG2))
            .address();
    appId = dev.createApp(TrustMode.REEXEC_OBJECTIVE, digest, new byte[0]).id();
    dev.setAppConfig(appId, config2);
    assertThat(court.strideHeight(MAX_STEPS, S_LOG2))
        .isEqualTo(new TraceShape(MAX_STEPS, S_LOG2).height())
        .isEqualTo(5);
  }

  @AfterAll
  static void stop() {
    System.out.println(
        "\n== ObjectiveGameIT figures (H = 5, s = 8, sha256chain halts at step 6,345) ==");
    FIGURES.forEach(System.out::println);
    System.out.println("gas per move type (min / avg / max over all matches):");
    GAS.forEach((k, v) ->
        System.out.printf(
            "  %-14s n=%-3d %,7d / %,7d / %,7d%n",
            k, v.getCount(), v.getMin(), (long) v.getAverage(), v.getMax()));
    if (owner != null) {
      owner.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  // ================================================================ scenarios

  /**
   * (a) A liar operator against an honest watcher: refuted exactly at its first wrong step,
   * slashed, the job queued again.
   */
  @Test
  void liarOperator_isRefutedAtItsFirstWrongStep() {
    for (long n :
        new long[] {
          3001, 2817
        }) { // a step inside stride 11; the first step of stride 11 (predecessor: the stride
      // level's)
      Job job = job(Hashes.keccak256(("a" + n).getBytes()));
      job.submit(run().lying(new TraceLie(n)));
      BigInteger stakeBefore = owner.pool(job.operator).activeAmount();
      BigInteger watcherBefore = owner.balanceOf(address(4));
      StrideTrace honest = run().strideTrace();
      BigInteger id = job.challenge(4, honest);
      GamePlayer op = new GamePlayer(board(job.operatorKey), id, job.trace, Behaviour.PLAY);
      GamePlayer watcher = new GamePlayer(board(keys.get(4)), id, honest, Behaviour.PLAY);
      List<Moved> moves = playToEnd("(a) liar from step " + n, id, op, watcher);

      ObjectiveMatch m = court.match(id);
      assertThat(m.verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
      assertThat(court.stepNumber(id)).as("the disputed step T(N-1) -> T(N)").isEqualTo(n - 1);
      assertThat(m.stepWentRight()).isEqualTo((n - 1) % 256 != 0);
      assertThat(moves.size()).as("moves, both sides").isLessThanOrEqualTo(5 + S_LOG2 + 4);
      assertThat(moves.stream().filter(x -> x.kind() == MoveKind.PROVE_STEP).count()).isEqualTo(1);
      assertThat(owner.pool(job.operator).activeAmount()).as("slashed").isLessThan(stakeBefore);
      JobInfo after = owner.job(job.id);
      assertThat(after.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(after.attempt()).isEqualTo(1);
      assertThat(owner.hasFailed(job.id, job.operator)).isTrue();
      assertThat(owner.balanceOf(address(4)))
          .as("bond back plus a reward")
          .isGreaterThan(watcherBefore);
    }
  }

  /**
   * (a') The first divergence is a read_input step (sha256chain reads its first input chunk at step
   * 24 -> 25).
   */
  @Test
  void liarOperator_refutedAtAReadInputStep() {
    TraceRun honestRun = run();
    assertThat(honestRun.stateAt(24).witness().inputChunk()).as("step 24 reads input").isPresent();
    Job job = job(Hashes.keccak256("read-input".getBytes()));
    job.submit(honestRun.lying(new TraceLie(25)));
    StrideTrace honest = honestRun.strideTrace();
    BigInteger id = job.challenge(4, honest);
    playToEnd(
        "(a') liar from the read_input step 25",
        id,
        new GamePlayer(board(job.operatorKey), id, job.trace, Behaviour.PLAY),
        new GamePlayer(board(keys.get(4)), id, honest, Behaviour.PLAY));
    assertThat(court.match(id).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(court.stepNumber(id)).isEqualTo(24);
  }

  /**
   * (b) A false challenger against an honest operator: the operator wins, the challenger's bond is
   * forfeited.
   */
  @Test
  void falseChallenger_losesItsBond() {
    Job job = job(Hashes.keccak256("b".getBytes()));
    job.submit(run());
    StrideTrace lie = run().lying(new TraceLie(4000)).strideTrace();
    BigInteger before = owner.balanceOf(address(5));
    BigInteger id = job.challenge(5, lie);
    BigInteger bond = owner.challengeOf(id).bond();
    List<Moved> moves =
        playToEnd(
            "(b) false challenger from step 4000",
            id,
            new GamePlayer(board(job.operatorKey), id, job.trace, Behaviour.PLAY),
            new GamePlayer(board(keys.get(5)), id, lie, Behaviour.PLAY));
    assertThat(court.match(id).verdict()).isEqualTo(Verdict.OPERATOR_WINS);
    assertThat(court.stepNumber(id)).isEqualTo(3999);
    assertThat(moves.size()).isLessThanOrEqualTo(5 + S_LOG2 + 4);
    assertThat(owner.balanceOf(address(5))).as("bond forfeited").isEqualTo(before.subtract(bond));
    assertThat(owner.job(job.id).status()).isEqualTo(JobStatus.SUBMITTED);
  }

  /**
   * (c) A silent side loses on its clock: a challenger that never starts, and a liar operator that
   * stops answering.
   */
  @Test
  void silentSide_losesOnItsClock() {
    Job job = job(Hashes.keccak256("c1".getBytes()));
    job.submit(run());
    StrideTrace lie = run().lying(new TraceLie(100)).strideTrace();
    BigInteger id = job.challenge(5, lie);
    GamePlayer op = new GamePlayer(board(job.operatorKey), id, job.trace, Behaviour.PLAY);
    GamePlayer silentC = new GamePlayer(board(keys.get(5)), id, lie, Behaviour.SILENT);
    assertThat(playUntilQuiet(id, op, silentC)).isEmpty();
    owner.advanceTime(court.clockSeconds() + 1);
    playToEnd("(c) silent challenger", id, op, silentC);
    assertThat(court.match(id).verdict()).isEqualTo(Verdict.OPERATOR_WINS);

    Job job2 = job(Hashes.keccak256("c2".getBytes()));
    job2.submit(run().lying(new TraceLie(100)));
    StrideTrace honest = run().strideTrace();
    BigInteger id2 = job2.challenge(4, honest);
    GamePlayer silentO = new GamePlayer(board(job2.operatorKey), id2, job2.trace, Behaviour.SILENT);
    GamePlayer watcher = new GamePlayer(board(keys.get(4)), id2, honest, Behaviour.PLAY);
    assertThat(playUntilQuiet(id2, silentO, watcher))
        .extracting(Moved::kind)
        .containsExactly(MoveKind.START);
    owner.advanceTime(court.clockSeconds() + 1);
    playToEnd("(c) silent liar operator, after the watcher's start", id2, silentO, watcher);
    assertThat(court.match(id2).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(owner.job(job2.id).status()).isEqualTo(JobStatus.QUEUED);
  }

  /**
   * (d) A silent sybil challenger cannot shield a liar: the honest match refutes it, the sybil's
   * match is closed moot.
   */
  @Test
  void silentSybil_cannotShieldALiar() {
    Job job = job(Hashes.keccak256("d".getBytes()));
    job.submit(run().lying(new TraceLie(5000)));
    StrideTrace sybilTrace = run().lying(new TraceLie(50)).strideTrace();
    BigInteger sybilBefore = owner.balanceOf(address(5));
    BigInteger idS = job.challenge(5, sybilTrace); // first, then it stalls
    StrideTrace honest = run().strideTrace();
    BigInteger idH = job.challenge(4, honest);
    GamePlayer opS = new GamePlayer(board(job.operatorKey), idS, job.trace, Behaviour.PLAY);
    GamePlayer sybil = new GamePlayer(board(keys.get(5)), idS, sybilTrace, Behaviour.SILENT);
    GamePlayer opH = new GamePlayer(board(job.operatorKey), idH, job.trace, Behaviour.PLAY);
    GamePlayer watcher = new GamePlayer(board(keys.get(4)), idH, honest, Behaviour.PLAY);
    List<Moved> moves =
        playToEnd("(d) liar vs honest watcher + silent sybil", idH, opS, sybil, opH, watcher);
    assertThat(court.match(idH).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    ObjectiveMatch s = court.match(idS);
    assertThat(s.done()).isTrue();
    assertThat(s.moot()).isTrue();
    assertThat(moves).extracting(Moved::kind).contains(MoveKind.CLOSE_MOOT);
    assertThat(owner.balanceOf(address(5))).as("moot bond returned").isEqualTo(sybilBefore);
    assertThat(owner.job(job.id).status()).isEqualTo(JobStatus.QUEUED);
  }

  /**
   * (e) The honest side's node restarts mid-match: its player is dropped after a few moves, and a
   * new {@link MatchKeeper} created from the same {@link MatchJournal} rebuilds the trace from the
   * job alone ({@link ObjectiveJob#rebuild}: program and envelope from DA, app config and input
   * onchain) on its worker, re-attaches and wins. Once for an honest watcher against a liar
   * operator, once for an honest operator against a false challenger.
   */
  @Test
  void restartedHonestSide_reattachesFromItsJournalAndWins(@TempDir Path dir) throws Exception {
    MemoryDa da = new MemoryDa();
    Bytes32 elfKey = da.putKey(elf);
    byte[] envelope = new JobEnvelope(elfKey, 1L << S_LOG2, input).encode();
    Bytes32 inputKey = da.putKey(envelope);
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      for (boolean honestWatcher : new boolean[] {true, false}) {
        Job job = job(inputKey, envelope);
        ObjectiveJob objective = new ObjectiveJob(owner, new JobSource(da));
        StrideTrace honest =
            objective.rebuild(
                new MatchRecord(
                    BigInteger.ZERO, job.id, 0, ObjectiveMatch.Side.CHALLENGER, Bytes32.ZERO, 0));
        StrideTrace lie = run().lying(new TraceLie(3001)).strideTrace();
        job.submit(honestWatcher ? run().lying(new TraceLie(3001)) : run());
        int challenger = honestWatcher ? 4 : 5;
        BigInteger id = job.challenge(challenger, honestWatcher ? honest : lie);
        Secp256k1Key honestKey = honestWatcher ? keys.get(4) : job.operatorKey;
        ObjectiveMatch.Side side =
            honestWatcher ? ObjectiveMatch.Side.CHALLENGER : ObjectiveMatch.Side.OPERATOR;
        Path journal = Files.createDirectories(dir.resolve(side.name()));
        GamePlayer liar =
            new GamePlayer(
                board(honestWatcher ? job.operatorKey : keys.get(5)), id, lie, Behaviour.PLAY);

        MatchKeeper before =
            new MatchKeeper(
                board(honestKey),
                MatchJournal.open(journal),
                new TraceBuilds<>(worker, 4),
                objective::rebuild,
                Behaviour.PLAY,
                InstantSource.system());
        before.attach(new MatchRecord(id, job.id, 0, side, honest.root(), 0), honest);
        GamePlayer dropped = before.attached().iterator().next().player();
        List<Moved> early = new ArrayList<>();
        for (int i = 0; i < 8 && early.size() < 3; i++) { // a few moves, then the node dies
          early.addAll(playUntilQuiet(id, 1, dropped, liar));
        }
        assertThat(early).hasSizeGreaterThanOrEqualTo(3);
        assertThat(court.match(id).done()).isFalse();

        MatchKeeper after =
            new MatchKeeper(
                board(honestKey),
                MatchJournal.open(journal),
                new TraceBuilds<>(worker, 4),
                objective::rebuild,
                Behaviour.PLAY,
                InstantSource.system());
        assertThat(after.resumeAll()).isEqualTo(1);
        List<MatchKeeper.Resumption> resumed = new ArrayList<>();
        for (int i = 0; i < 600 && resumed.isEmpty(); i++) {
          resumed.addAll(after.collect());
          Thread.sleep(50);
        }
        assertThat(resumed).singleElement().isInstanceOf(MatchKeeper.Resumed.class);
        GamePlayer again = after.attached().iterator().next().player();
        playToEnd(
            "(e) honest " + side + " restarted after " + early.size() + " moves", id, again, liar);
        assertThat(court.match(id).verdict())
            .isEqualTo(honestWatcher ? Verdict.OPERATOR_REFUTED : Verdict.OPERATOR_WINS);
        assertThat(court.stepNumber(id)).isEqualTo(3000);
        after.finished(id);
        assertThat(MatchJournal.open(journal).records()).isEmpty();
      }
    } finally {
      worker.shutdownNow();
    }
  }

  /**
   * (f) An app with blob inputs (vm.md §4.1.1, objective.md §3.2): the job's envelope posted as an
   * EIP-4844 blob (a type-3 transaction; the oracle checks BLOBHASH against the DA header's KZG
   * commitment), the prestate's input root the blob-form root, and a liar from the read_input step
   * 25 refuted by the step executed onchain with its KZG opening checked by the point-evaluation
   * precompile.
   */
  @Test
  void blobInputApp_liarRefutedAtAReadStepThroughThePointEvaluationPrecompile() {
    byte[] envelope =
        new JobEnvelope(Hashes.keccak256("sha256chain".getBytes()), 1L << S_LOG2, input).encode();
    BlobInputs blobs = BlobInputs.of(envelope, JniKzg.load());
    long expiry =
        owner.chainTime() + 30L * 86_400; // the other scenarios fast-forward the clock by hours
    byte[] header = new BlobHeader(envelope.length, 0, expiry, blobs.commitments()).encode();
    Bytes32 blobKey = Hashes.keccak256(header);
    VmState image = Vm.load(elf, new byte[0], CFG).state();
    Settlement developer = as(7);
    var config =
        new ObjectiveAppConfig(
            Hashes.keccak256(elf),
            Integer.toUnsignedLong(image.pc()),
            image.memRoot(),
            CFG.ramEnd(),
            CFG.outputLimit(),
            S_LOG2,
            true);
    Address configAt = ObjectiveApps.of(developer).deployConfig(config).address();
    BigInteger blobApp =
        developer.createApp(TrustMode.REEXEC_OBJECTIVE, Hashes.keccak256(elf), new byte[0]).id();
    developer.setAppConfig(blobApp, configAt);
    var posted =
        ObjectiveApps.of(as(6))
            .postInputBlobs(
                header,
                blobs.blobBytes(),
                blobs.commitments().stream().map(c -> c.bytes()).toList(),
                blobs.blobProofs().stream().map(p -> p.bytes()).toList(),
                blobs.versionedHashes());
    FIGURES.add(
        String.format("(f) postInputBlobs, 1 blob: gas %,d", posted.tx().orElseThrow().gasUsed()));
    assertThat(ObjectiveApps.of(owner).blobInputOf(blobKey).orElseThrow().inputRoot())
        .isEqualTo(dev.trustdial.vm.input.BlobInput.root(input.length, blobs.versionedHashes()));

    BigInteger jobId =
        as(6)
            .submitJob(
                blobApp, blobKey, Hashes.keccak256(envelope), MAX_STEPS, owner.params().minFee())
            .id();
    owner.mineBlocks(2);
    owner.assign(jobId);
    Address assignee = owner.job(jobId).assignee();
    Secp256k1Key operatorKey =
        keys.subList(1, 4).stream()
            .filter(k -> k.address().equals(assignee))
            .findFirst()
            .orElseThrow();
    Job job = new Job(jobId, operatorKey);
    TraceRun honestRun =
        TraceRun.honest(elf, blobs.vmInput(), CFG, new TraceShape(MAX_STEPS, S_LOG2));
    assertThat(honestRun.stateAt(24).witness().inputChunk().orElseThrow())
        .as("step 24 reads input through a blob opening")
        .isInstanceOf(dev.trustdial.vm.witness.BlobInputProof.class);
    job.submit(honestRun.lying(new TraceLie(25)));
    StrideTrace honest = honestRun.strideTrace();
    BigInteger id = job.challenge(4, honest);
    List<Moved> moves =
        playToEnd(
            "(f) blob input, liar from the read_input step 25",
            id,
            new GamePlayer(board(job.operatorKey), id, job.trace, Behaviour.PLAY),
            new GamePlayer(board(keys.get(4)), id, honest, Behaviour.PLAY));
    assertThat(court.match(id).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(court.stepNumber(id)).isEqualTo(24);
    Moved proof =
        moves.stream().filter(m -> m.kind() == MoveKind.PROVE_STEP).findFirst().orElseThrow();
    FIGURES.add(
        String.format(
            "(f) proveStep of a blob read (one KZG opening): gas %,d", proof.tx().gasUsed()));
  }

  // ================================================================ plumbing

  static TraceRun run() {
    return TraceRun.honest(elf, input, CFG, new TraceShape(MAX_STEPS, S_LOG2));
  }

  static Settlement as(int i) {
    return owner.as(keys.get(i));
  }

  static Address address(int i) {
    return keys.get(i).address();
  }

  static GameBoard board(Secp256k1Key key) {
    return new ChainGameBoard(owner.as(key));
  }

  /** A job of the app, its input posted onchain, submitted by the user and assigned. */
  static Job job(Bytes32 inputBlobKey) {
    return job(
        inputBlobKey,
        new JobEnvelope(Hashes.keccak256("sha256chain".getBytes()), 1L << S_LOG2, input).encode());
  }

  /**
   * As {@link #job(Bytes32)} with the envelope a DA blob holds (its program key names the ELF on
   * DA).
   */
  static Job job(Bytes32 inputBlobKey, byte[] envelope) {
    ObjectiveApps.InputPost posted = ObjectiveApps.of(as(6)).postInput(envelope);
    assertThat(ObjectiveApps.of(owner).inputOf(posted.digest()).orElseThrow().inputLength())
        .isEqualTo(input.length);
    BigInteger jobId =
        as(6)
            .submitJob(appId, inputBlobKey, posted.digest(), MAX_STEPS, owner.params().minFee())
            .id();
    owner.mineBlocks(2);
    owner.assign(jobId);
    Address assignee = owner.job(jobId).assignee();
    int k = 1;
    while (!keys.get(k).address().equals(assignee)) {
      k++;
      assertThat(k).as("assigned to one of the operators").isLessThanOrEqualTo(3);
    }
    return new Job(jobId, keys.get(k));
  }

  static final class Job {
    final BigInteger id;
    final Secp256k1Key operatorKey;
    final Address operator;
    StrideTrace trace;

    Job(BigInteger id, Secp256k1Key operatorKey) {
      this.id = id;
      this.operatorKey = operatorKey;
      this.operator = operatorKey.address();
    }

    /** The in-process operator: runs the guest, builds its trace commitment and submits it. */
    void submit(TraceRun claim) {
      trace = claim.strideTrace();
      assertThat(trace.prestate().encode())
          .as("the court's prestate is our T(0)")
          .isEqualTo(court.prestate(id));
      var tx =
          owner
              .as(operatorKey)
              .submitObjectiveResult(
                  id,
                  trace.finalState().encode(),
                  trace.root(),
                  trace.finalLeafProof(),
                  Hashes.keccak256(("out" + id).getBytes()));
      FIGURES.add(String.format("job %s: submitObjectiveResult gas %,d", id, tx.gasUsed()));
      assertThat(owner.job(id).result().orElseThrow()).isEqualTo(GamePlayer.commitmentOf(trace));
    }

    BigInteger challenge(int account, StrideTrace theirs) {
      var c = as(account).challenge(id, GamePlayer.commitmentOf(theirs));
      return c.id();
    }
  }

  /** Polls every player in turn until a whole round moves nothing; returns the moves. */
  static List<Moved> playUntilQuiet(BigInteger id, GamePlayer... players) {
    return playUntilQuiet(id, 200, players);
  }

  /**
   * As {@link #playUntilQuiet(BigInteger, GamePlayer...)}, at most {@code rounds} rounds (fewer
   * than needed: returns what moved).
   */
  static List<Moved> playUntilQuiet(BigInteger id, int rounds, GamePlayer... players) {
    List<Moved> moves = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      int before = moves.size();
      for (GamePlayer p : players) {
        GamePlayer.Poll r = p.poll();
        switch (r) {
          case Moved mv -> {
            moves.add(mv);
            GAS.computeIfAbsent(mv.kind(), k -> new LongSummaryStatistics())
                .accept(mv.tx().gasUsed());
            System.out.printf(
                "  match %s %-10s %-14s gas %,d%n",
                p.disputeId(), p.side().orElseThrow(), mv.kind(), mv.tx().gasUsed());
          }
          case GamePlayer.Refused rf ->
              throw new AssertionError("match " + p.disputeId() + ": " + rf);
          case GamePlayer.Waiting w -> {}
          case GamePlayer.Finished f -> {}
        }
      }
      if (moves.size() == before) {
        return moves;
      }
    }
    if (rounds < 200) {
      return moves;
    }
    throw new AssertionError("match " + id + " did not settle in 200 rounds");
  }

  /**
   * Plays until match {@code id} (and every other match of the players) is over; records the
   * figures.
   */
  static List<Moved> playToEnd(String name, BigInteger id, GamePlayer... players) {
    long t0 = System.nanoTime();
    List<Moved> moves = playUntilQuiet(id, players);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    for (GamePlayer p : players) {
      assertThat(p.poll())
          .as("match %s is over", p.disputeId())
          .isInstanceOf(GamePlayer.Finished.class);
    }
    long gas = moves.stream().mapToLong(m -> m.tx().gasUsed()).sum();
    FIGURES.add(
        String.format(
            "%s: match %s -> %s, %d moves, %,d gas, %,d ms (%s)",
            name,
            id,
            court.match(id).verdict(),
            moves.size(),
            gas,
            ms,
            String.join(" ", moves.stream().map(m -> m.kind().name()).toList())));
    return moves;
  }

  /** sha256chain's input: u32 LE iteration count, then {@code bytes} bytes of data. */
  static byte[] sha256chainInput(int iterations, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    for (int i = 0; i < bytes; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }

  /**
   * ObjectiveConfig's creation code (forge artifact) with its seven static constructor arguments
   * (inputs as calldata).
   */
  static byte[] objectiveConfigCreationCode(
      Bytes32 programDigest, int entryPc, Bytes32 imageRoot, long ramEnd, long outputLimit, int s)
      throws Exception {
    var artifact =
        new ObjectMapper()
            .readTree(
                Path.of("..", "contracts", "out", "ObjectiveConfig.sol", "ObjectiveConfig.json")
                    .toFile());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Hex.decode(artifact.get("bytecode").get("object").asText()));
    out.write(programDigest.bytes());
    out.write(word(Integer.toUnsignedLong(entryPc)));
    out.write(imageRoot.bytes());
    out.write(word(ramEnd));
    out.write(word(outputLimit));
    out.write(word(s));
    out.write(word(0)); // blobInputs = false
    return out.toByteArray();
  }

  static byte[] word(long v) {
    return ByteBuffer.allocate(32).putLong(24, v).array();
  }
}
