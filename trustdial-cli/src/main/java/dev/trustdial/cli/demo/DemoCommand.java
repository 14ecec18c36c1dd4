package dev.trustdial.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.model.BundledModel;
import dev.trustdial.chain.Challenge;
import dev.trustdial.chain.Delegation;
import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.GasLedger;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.StakePool;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.cli.tee.TeeJobs;
import dev.trustdial.cli.zk.ZkApps;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.devfeed.PriceServer;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.zk.Ceremony;
import dev.trustdial.zk.Snarkjs;
import dev.trustdial.zk.ZkBuilder;
import dev.trustdial.zk.ZkManifest;
import dev.trustdial.zk.ZkProver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial demo}: the main job, on a fresh local devnet where every actor is its own
 * process: anvil, 4 DA nodes, 3 operators and a watchtower. The developer publishes the game-world
 * guest and the stories260K model to DA and creates a {@code REEXEC_INTERSUBJECTIVE} app for each.
 * Job 1 runs the game world long; its operator is SIGKILLed mid-run, the watchtower reports the
 * missed heartbeat, the chain slashes and reassigns, and the successor resumes from the last
 * checkpoint on DA to the result an uninterrupted run gives. Job 2 is an inference request that the
 * watchtower re-executes to the same bits. Job 3's assignee, computed from its seed block's hash
 * with the public assignment rule, is restarted with the test-only {@code --lie} fault before
 * anyone assigns the job; the watchtower re-executes and challenges, the other operators re-execute
 * and vote, and the liar is slashed together with its delegators, pro rata. Job 4 is a TEE agent
 * taken over, job 5 a ZK proof. Job 6 is REEXEC_OBJECTIVE: its assignee, restarted the same way
 * with {@code --lie-at-step N}, claims a wrong trace; the watchtower alone wins the bisection game
 * down to the one step the contract executes, the liar is slashed and another operator completes
 * the job. The demo only submits jobs, kills and restarts processes, and fast-forwards the devnet
 * clock past the protocol windows; the node processes do the rest, and the demo narrates it from
 * the chain.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the main job on a fresh local devnet (anvil, 4 DA nodes, 3 operators, 1 watchtower, each a process): "
            + "an operator killed mid-job is slashed and a successor resumes from DA; an LLM inference job is re-executed to the same bits; "
            + "an operator returning a wrong completion is caught by re-execution and a stake vote; a TEE agent is taken over; a ZK job is proven; "
            + "an objective job's liar loses the bisection game, one VM step executed onchain.")
public final class DemoCommand implements Callable<Integer> {
  /**
   * Steps between checkpoints: about 0.1-0.3 s of game-world compute on this machine, then a DA put
   * and a heartbeat.
   */
  static final long STRIDE = 1L << 24;

  static final long MAX_STEPS = 1L << 33;
  static final int ENTITIES = 256;
  static final int LONG_TICKS = 16_000;
  static final String HONEST_REQUEST =
      """
      {"messages": [{"role": "user", "content": "Tell me a story about a cat."}], "max_tokens": 48, "temperature": 0.7}\
      """;
  static final String LIE_REQUEST =
      """
      {"prompt": "Once upon a time, a little dog", "max_tokens": 40, "temperature": 0}\
      """;
  static final BigInteger FEE = Tokens.of(25);

  /**
   * Prices the TEE job sees in all (job 4): its operator is killed after 2 and the successor
   * fetches the rest.
   */
  static final int TEE_FETCHES = 5;

  private static final long MAX_PROGRAM_BYTES = 8 << 20;
  private static final String GUEST = "gameworld.elf";

  /**
   * Job 6: the sha256chain guest under stride 2^8 and a budget of 8,192 steps (H = 5; it halts at
   * step 6,345).
   */
  static final String OBJECTIVE_GUEST = "sha256chain.elf";

  static final int OBJECTIVE_STRIDE_LOG2 = 8;
  static final long OBJECTIVE_MAX_STEPS = 8192;

  /** Job 6's liar claims a trace that is wrong from this step on. */
  static final long LIE_AT_STEP = 3001;

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      description =
          "Keep the devnet's files (configs, logs, data) here (default: a new temporary directory).")
  Path dir;

  @Option(
      names = "--program",
      paramLabel = "ELF",
      description =
          "The game-world guest (default: trustdial-vm/target/guest/"
              + GUEST
              + ", built by trustdial-vm/setup.sh).")
  Path program;

  @Option(
      names = "--tee-app",
      paramLabel = "JAR",
      description =
          "The TEE example app for job 4 (default: the price agent built by the project).")
  Path teeApp;

  @Option(
      names = "--json",
      description = "Print the final report as JSON on stdout (the story goes to stderr).")
  boolean json;

  @Option(
      names = "--keep",
      description =
          "Leave the devnet (and its explorer) running at the end; stop it with 'trustdial devnet down --dir DIR'.")
  boolean keep;

  private final Map<Address, String> names = new ConcurrentHashMap<>();
  private final Set<BigInteger> ourJobs = ConcurrentHashMap.newKeySet();
  private final Map<String, Double> timings =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private Narrator n;

  /** The operator running with --lie since job 3, if any. */
  private String lying;

  private JobParams params;
  private Settlement reader;

  /** Disputes by id, with their job (Voted and VoteSettled name only the dispute). */
  private final Map<BigInteger, BigInteger> disputeJobs = new ConcurrentHashMap<>();

  /**
   * How each slash split between the operator's own stake and its delegators', read when it was
   * seen (tx hash + log index).
   */
  private final Map<String, BigInteger[]> slashSplits = new ConcurrentHashMap<>();

  /** Job 6's match, as the court reported it. */
  private DemoReport.Objective objectiveOutcome;

  /**
   * What an honest run of a job gives, computed in this process: the demo checks the operators
   * against it.
   */
  private record Expected(ResultCommitment commitment, byte[] output, String text) {}

  /** A job the developer submitted, with its expected result. */
  private record Submitted(BigInteger id, CompletableFuture<Expected> reference, long startNanos) {
    Expected expected() {
      return reference.join();
    }
  }

  @Override
  public Integer call() throws Exception {
    byte[] elf = readProgram();
    PrintWriter story = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    n = new Narrator(story, !json && System.console() != null, 9);
    Path devnetDir = dir != null ? dir : Files.createTempDirectory("trustdial-demo");
    story.println(
        "TrustDial demo: unstoppable, verifiable compute on a local devnet (every actor is a separate process)");
    n.phase("Start the devnet: anvil, contracts, 4 DA nodes, 3 operators and a watchtower");
    // Compute the reference results while the devnet starts: the demo checks the operators against
    // them.
    CompletableFuture<Expected> longRun =
        CompletableFuture.supplyAsync(() -> {
          long t0 = System.nanoTime();
          RunResult r = uninterrupted(elf, input(LONG_TICKS));
          timings.put(
              "uninterrupted run here: Msteps/s (VM only, no checkpoints)",
              Math.round(r.steps() / ((System.nanoTime() - t0) / 1e9) / 1e5) / 10.0);
          return new Expected(Execution.commitment(r), r.output(), "");
        });
    byte[] model = Files.readAllBytes(BundledModel.defaultModel());
    // The demo's own engine keeps its copy of the model with the devnet's files.
    InferenceJob.Models models = new InferenceJob.Models(devnetDir.resolve("demo-models"));
    Map<String, CompletableFuture<Expected>> inferences = new LinkedHashMap<>();
    for (String request : new String[] {HONEST_REQUEST, LIE_REQUEST}) {
      inferences.put(
          request,
          CompletableFuture.supplyAsync(() -> {
            var o = InferenceJob.run(models, inferenceProgram(model, request));
            return new Expected(o.commitment(), o.output(), o.text());
          }));
    }
    // Job 5's circuit is built (and on a fresh machine the dev ceremony generated) while the devnet
    // starts.
    CompletableFuture<ZkApps.BuildDir> zkBuild =
        CompletableFuture.supplyAsync(() -> buildRecommender(devnetDir.resolve("zk-recommender")));
    Devnet devnet =
        Devnet.start(
            devnetDir,
            dev.trustdial.chain.anvil.Anvil.DEFAULT_BLOCK_TIME_SECONDS,
            Devnet.Size.full(),
            s -> n.say("%s", s));
    Thread cleanup = new Thread(devnet::close, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (Settlement owner = devnet.connect(Roster.DEPLOYER);
        Settlement developer = devnet.connect(Roster.DEVELOPER)) {
      for (Roster.Member m : Roster.all()) {
        names.put(devnet.key(m).address(), m.name());
      }
      long startBlock = owner.blockNumber() + 1;
      params = owner.params();
      reader = owner;
      DaClient da =
          DaClient.onChain(
              ChainConfig.read(devnetDir.resolve(DevnetDescriptor.FILE)),
              devnet.key(Roster.DEVELOPER),
              Devnet.DA_THRESHOLD_BPS,
              Duration.ofDays(7));
      ChainWatch watch = new ChainWatch(owner, startBlock, this::narrate);
      Map<Address, OperatorInfo> before = stakes(owner);
      n.say(
          "stake: each operator %s of its own plus 400 TDS delegated (%s), the watchtower %s; a slash takes the same fraction "
              + "of every staker's part of a pool",
          Tokens.format(before.values().iterator().next().selfStake()),
          "delegator-1 -> operator-1, operator-2; delegator-2 -> operator-2, operator-3",
          Tokens.format(Tokens.of(Devnet.OPERATOR_STAKE / 2)));

      n.phase(
          "The developer publishes two programs to DA and creates a REEXEC_INTERSUBJECTIVE app for each");
      Bytes32 programKey = da.put(elf).blobKey();
      Bytes32 digest = Hashes.keccak256(elf);
      BigInteger appId =
          developer.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, digest, new byte[0]).id();
      n.say(
          "app %s: the game-world guest %s (%,d bytes, RV32IM), on DA as blob %s, digest %s",
          appId, program.getFileName(), elf.length, abbrev(programKey), abbrev(digest));
      Bytes32 modelKey = da.put(model).blobKey();
      Bytes32 modelDigest = Hashes.keccak256(model);
      BigInteger modelApp =
          developer.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, modelDigest, new byte[0]).id();
      n.say(
          "app %s: the stories260K model (%,d bytes, GGUF) for deterministic inference, on DA as blob %s, digest %s",
          modelApp, model.length, abbrev(modelKey), abbrev(modelDigest));

      List<DemoReport.JobLine> jobs = new ArrayList<>();
      jobs.add(takeover(devnet, owner, developer, da, watch, appId, programKey, longRun));
      jobs.add(
          inference(
              devnet,
              owner,
              developer,
              da,
              watch,
              modelApp,
              modelKey,
              inferences.get(HONEST_REQUEST)));
      jobs.add(
          lie(
              devnet,
              owner,
              developer,
              da,
              watch,
              modelApp,
              modelKey,
              inferences.get(LIE_REQUEST)));
      jobs.add(teeAgent(devnet, owner, developer, da, watch, modelApp.add(BigInteger.ONE)));
      jobs.add(zkRecommender(devnet, owner, developer, da, watch, zkBuild));
      jobs.add(objectiveLie(devnet, owner, developer, da, watch));

      n.phase("Summary");
      watch.poll();
      DemoReport report = report(devnet, owner, watch, startBlock, before, jobs);
      print(report);
      story.println(
          "explorer: "
              + devnet.explorerUrl()
              + (keep ? "" : " (until the devnet stops; --keep leaves it up)"));
      if (json) {
        spec.commandLine()
            .getOut()
            .println(
                new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report));
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    } finally {
      models.close();
      if (keep) {
        devnet.detach();
      }
      devnet.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running already (Ctrl-C); it closes the devnet.
      }
      story.printf(
          keep
              ? "%ndevnet left running in %s: stop it with 'trustdial devnet down --dir %1$s'%n"
              : "%ndevnet stopped, no process left running (configs and logs in %s)%n",
          devnetDir);
      story.flush();
    }
  }

  private DemoReport.JobLine takeover(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId,
      Bytes32 programKey,
      CompletableFuture<Expected> reference) {
    n.phase(
        "Job 1: a long simulation; its operator is killed mid-run, slashed, and a successor resumes from DA");
    Submitted job =
        submit(
            developer,
            da,
            appId,
            new JobEnvelope(programKey, STRIDE, input(LONG_TICKS)),
            reference,
            "%,d ticks of %d entities, a checkpoint every %,d steps"
                .formatted(LONG_TICKS, ENTITIES, STRIDE));
    BigInteger id = job.id();
    var assigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id),
            Duration.ofSeconds(30),
            () -> {},
            "job 1's assignment");
    String first = name(assigned.operator());
    Expected expected = job.expected();
    long totalSteps = expected.commitment().stepCount();
    watch.await(
        SettlementEvent.HeartbeatPosted.class,
        h -> h.jobId().equals(id) && h.step() >= 3 * STRIDE,
        Duration.ofSeconds(180),
        () -> progress(owner, id, first, totalSteps),
        first + "'s third checkpoint");
    devnet.kill(first);
    long killedAt = System.nanoTime();
    JobInfo atKill = owner.job(id);
    n.say(
        "SIGKILL %s: it stops dead at step %,d of %,d, with no goodbye; its last checkpoint is on DA and onchain",
        first, atKill.lastStep(), totalSteps);
    long wait = Math.max(1, atKill.deadline() - owner.chainTime() + 1);
    owner.advanceTime(wait);
    n.say(
        "no heartbeat comes; the devnet clock is fast-forwarded %d s past %s's deadline (heartbeat window %d s)",
        wait, first, params.heartbeatWindowSeconds());
    watch.await(
        SettlementEvent.HeartbeatMissed.class,
        m -> m.jobId().equals(id),
        Duration.ofSeconds(60),
        () -> {},
        "the watchtower's report");
    timings.put("takeover: kill -> reported, slashed (s; clock fast-forwarded)", seconds(killedAt));
    var reassigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id) && a.attempt() == 1,
            Duration.ofSeconds(30),
            () -> {},
            "job 1's reassignment");
    String successor = name(reassigned.operator());
    var resumed =
        watch.await(
            SettlementEvent.HeartbeatPosted.class,
            h ->
                h.jobId().equals(id)
                    && h.operator().equals(reassigned.operator())
                    && h.step() > atKill.lastStep(),
            Duration.ofSeconds(120),
            () -> {},
            successor + "'s first checkpoint");
    timings.put("takeover: kill -> successor's first new checkpoint (s)", seconds(killedAt));
    long resumedAt = System.nanoTime();
    logLine(devnet, successor, "restoring the snapshot at step")
        .ifPresent(l -> n.say("%s's log: %s", successor, l));
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(300),
            () -> progress(owner, id, successor, totalSteps),
            "job 1's result");
    double endToEnd =
        (result.result().stepCount() - resumed.step()) / ((System.nanoTime() - resumedAt) / 1e9);
    timings.put(
        "successor: Msteps/s end to end (VM + snapshots + DA + heartbeats)",
        Math.round(endToEnd / 1e5) / 10.0);
    ResultCommitment want = expected.commitment();
    boolean same =
        result.result().equals(want)
            && java.util.Arrays.equals(da.get(result.outputBlobKey()), expected.output());
    n.say(
        "%s: final state %s, output %s, checkpoint root %s",
        same
            ? "IDENTICAL to the uninterrupted run computed here"
            : "DIFFERENT from the uninterrupted run",
        abbrev(result.result().finalStateHash()),
        abbrev(result.result().outputHash()),
        abbrev(result.result().checkpointRoot()));
    awaitVerdict(devnet, id);
    owner.advanceTime(params.challengeWindowSeconds() + 1);
    n.say("the %d s challenge window passes (fast-forwarded)", params.challengeWindowSeconds());
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(60),
            () -> {},
            "job 1's finalization");
    return new DemoReport.JobLine(
        id.toString(),
        "operator killed mid-run; successor resumed from DA",
        owner.job(id).status().name(),
        first,
        name(result.operator()),
        result.result().stepCount(),
        result.result().outputHash().toHex(),
        result.result().checkpointRoot().toHex(),
        same,
        name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        seconds(job.startNanos()));
  }

  /**
   * Job 2: an honest inference job; the completion comes back through DA and the watchtower's
   * re-execution agrees.
   */
  private DemoReport.JobLine inference(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId,
      Bytes32 modelKey,
      CompletableFuture<Expected> reference)
      throws IOException {
    n.phase(
        "Job 2: deterministic LLM inference as a job: any verifier re-executes it to the same bits");
    // The operator killed in job 1 restarts on its data dir (its journal knows job 1 moved on) and
    // re-stakes.
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
        n.say(
            "%s restarts on its data dir: its journal shows job 1 went to another operator; it tops its stake up and rejoins",
            m.name());
      }
    }
    Submitted job =
        submit(
            developer,
            da,
            appId,
            new JobEnvelope(modelKey, 1, HONEST_REQUEST.getBytes(StandardCharsets.UTF_8)),
            reference,
            "an OpenAI chat request: " + HONEST_REQUEST);
    BigInteger id = job.id();
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 2's result");
    Expected expected = job.expected();
    byte[] output = da.get(result.outputBlobKey());
    boolean same =
        result.result().equals(expected.commitment())
            && java.util.Arrays.equals(output, expected.output());
    String text = new ObjectMapper().readTree(output).path("text").asText();
    n.say("the completion, read back from DA: \"%s\"", text.replace("\n", " ").strip());
    n.say(
        "%s the engine in this process (same model file, same request, seed 0): %,d tokens, output %s",
        same ? "IDENTICAL to" : "DIFFERENT from",
        result.result().stepCount(),
        abbrev(result.result().outputHash()));
    awaitVerdict(devnet, id);
    owner.advanceTime(params.challengeWindowSeconds() + 1);
    n.say("the %d s challenge window passes (fast-forwarded)", params.challengeWindowSeconds());
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(60),
            () -> {},
            "job 2's finalization");
    return new DemoReport.JobLine(
        id.toString(),
        "LLM inference, re-executed by the watchtower",
        owner.job(id).status().name(),
        name(result.operator()),
        name(result.operator()),
        result.result().stepCount(),
        result.result().outputHash().toHex(),
        result.result().checkpointRoot().toHex(),
        same,
        name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        seconds(job.startNanos()));
  }

  /**
   * Job 3: the assignee returns a wrong completion; re-execution catches it and the stakers' vote
   * slashes it. Nobody can know a job's assignee before its seed block is mined, the demo included:
   * it pauses the nodes (every one of them is a keeper that would assign the job), computes the
   * assignee from the seed block's hash with the public rule, restarts exactly that operator with
   * the test-only --lie fault, and lets the nodes go on.
   */
  private DemoReport.JobLine lie(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId,
      Bytes32 modelKey,
      CompletableFuture<Expected> reference)
      throws IOException {
    n.phase(
        "Job 3: an operator returns a wrong completion; re-execution catches it and the stakers' vote slashes it");
    Submitted[] submitted = new Submitted[1];
    Drawn draw =
        drawFaultyAssignee(
            devnet,
            owner,
            watch,
            3,
            () -> {
              submitted[0] =
                  submit(
                      developer,
                      da,
                      appId,
                      new JobEnvelope(modelKey, 1, LIE_REQUEST.getBytes(StandardCharsets.UTF_8)),
                      reference,
                      "an OpenAI completion request: " + LIE_REQUEST);
              return submitted[0].id();
            },
            "the test-only --lie fault (refused on any chain but the devnet's)",
            "--lie");
    Submitted job = submitted[0];
    BigInteger id = draw.jobId();
    String liar = draw.liar();
    lying = liar;
    Expected expected = job.expected();
    var lie =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 3's result");
    long liedAt = System.nanoTime();
    n.say(
        "the true output hash is %s (computed here); %s claimed %s",
        abbrev(expected.commitment().outputHash()), liar, abbrev(lie.result().outputHash()));
    var challenged =
        watch.await(
            SettlementEvent.JobChallenged.class,
            c -> c.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "the watchtower's challenge");
    BigInteger disputeId = challenged.disputeId();
    long voters = Roster.OPERATORS.size() - 1;
    watch.await(
        SettlementEvent.Voted.class,
        v ->
            v.disputeId().equals(disputeId)
                && watch.count(
                        SettlementEvent.Voted.class,
                        e -> ((SettlementEvent.Voted) e).disputeId().equals(disputeId))
                    >= voters,
        Duration.ofSeconds(120),
        () -> {},
        "the honest operators' votes");
    DisputeInfo dispute = owner.dispute(disputeId);
    long wait = Math.max(1, dispute.deadline() - owner.chainTime() + 1);
    owner.advanceTime(wait);
    n.say("the voting period ends (fast-forwarded %d s)", wait);
    watch.await(
        SettlementEvent.DisputeSettled.class,
        d -> d.disputeId().equals(disputeId),
        Duration.ofSeconds(60),
        () -> {},
        "the dispute's resolution");
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(30),
            () -> {},
            "job 3's finalization");
    timings.put("lie: wrong result posted -> liar slashed (s)", seconds(liedAt));
    watch.await(
        SettlementEvent.VoteSettled.class,
        v ->
            v.disputeId().equals(disputeId)
                && watch.count(
                        SettlementEvent.VoteSettled.class,
                        e -> ((SettlementEvent.VoteSettled) e).disputeId().equals(disputeId))
                    >= voters,
        Duration.ofSeconds(60),
        () -> {},
        "the voters' settlements");
    JobInfo done = owner.job(id);
    ResultCommitment right = done.result().orElseThrow();
    boolean correct = right.equals(expected.commitment());
    n.say(
        "job %s ends with output %s: %s (\"%s\")",
        id,
        abbrev(right.outputHash()),
        correct ? "the correct one" : "WRONG",
        expected.text().replace("\n", " ").strip());
    return new DemoReport.JobLine(
        id.toString(),
        "wrong completion caught by re-execution + vote",
        done.status().name(),
        liar,
        name(finalized.paidTo()) + " (challenger)",
        right.stepCount(),
        right.outputHash().toHex(),
        right.checkpointRoot().toHex(),
        correct,
        name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        seconds(job.startNanos()));
  }

  /**
   * A job submitted while the keepers were paused, and the operator its seed block drew, restarted
   * with a fault.
   */
  private record Drawn(BigInteger jobId, Address drawn, String liar) {}

  /**
   * Makes the operator a job will be assigned to run with a test-only fault. Nobody can know a
   * job's assignee before its seed block is mined, the demo included: it pauses the nodes (every
   * one of them is a keeper that would assign the job), submits the job, computes the assignee from
   * the seed block's hash with the public rule, restarts exactly that operator with {@code fault},
   * lets the nodes go on, and checks that the chain assigns the job to it.
   */
  private Drawn drawFaultyAssignee(
      Devnet devnet,
      Settlement owner,
      ChainWatch watch,
      int jobNo,
      Callable<BigInteger> submit,
      String faultWords,
      String... fault)
      throws IOException {
    List<String> keepers = new ArrayList<>();
    Roster.OPERATORS.forEach(m -> keepers.add(m.name()));
    keepers.add(Roster.WATCHTOWER.name());
    for (String k : keepers) {
      devnet.pause(k);
    }
    n.say(
        "the demo pauses the operators and the watchtower (SIGSTOP), the keepers that would assign job %d as soon as they can",
        jobNo);
    BigInteger id;
    Address drawn;
    String liar;
    try {
      try {
        id = submit.call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "submitting job " + jobNo + " failed: " + e.getMessage(), e);
      }
      watch.poll();
      JobInfo queued = owner.job(id);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (owner.blockNumber() <= queued.seedBlock()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "job "
                  + jobNo
                  + "'s seed block "
                  + queued.seedBlock()
                  + " was not mined within 60 s");
        }
        sleep(Duration.ofMillis(200));
      }
      drawn =
          owner
              .predictAssignee(id)
              .orElseThrow(
                  () -> new IllegalStateException("no operator is eligible for job " + jobNo));
      liar = name(drawn);
      n.say(
          "block %d is mined; from its hash %s the public assignment rule (docs/spec/settlement.md §2, computed here) draws %s",
          queued.seedBlock(), abbrev(owner.blockHash(queued.seedBlock())), liar);
      devnet.kill(liar);
      devnet.startNode(liar, fault);
      n.say("%s is restarted with %s before anyone assigns the job", liar, faultWords);
    } finally {
      for (String k : keepers) {
        if (devnet.isRunning(k)) {
          devnet.resume(k);
        }
      }
    }
    BigInteger jobId = id;
    var assigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(jobId),
            Duration.ofSeconds(60),
            () -> {},
            "job " + jobNo + "'s assignment");
    if (!assigned.operator().equals(drawn)) {
      throw new IllegalStateException(
          "job "
              + jobNo
              + " went to "
              + name(assigned.operator())
              + ", not "
              + liar
              + " as the assignment rule computed here says: the Java rule and JobManager.assign disagree");
    }
    return new Drawn(id, drawn, liar);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Job 4: a TEE app (the example price agent, one shaded JAR) fetches a time-varying price from a
   * local HTTPS feed through its attestation agent, sealing its state after every fetch; its
   * operator is SIGKILLed; the successor gets the same keys from the KMS, restores the sealed state
   * from DA and finishes; the signed answer verifies and carries the same app wallet.
   */
  private DemoReport.JobLine teeAgent(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId)
      throws IOException {
    n.phase(
        "Job 4: a TEE agent fetches live prices with its own wallet; its operator is killed and a successor carries on");
    Path jar = teeApp != null ? teeApp : dev.trustdial.cli.ProjectFiles.priceAgentJar();
    if (lying != null) {
      devnet.stop(lying);
      devnet.startNode(lying);
      n.say("%s restarts without the --lie fault and tops its slashed stake up", lying);
      lying = null;
    }
    try (PriceServer feed = PriceServer.start()) {
      String kmsKey = Hex.encode(KmsRoot.load(devnet.kmsDir()).kmsKey().publicKey());
      ObjectNode cfg = new ObjectMapper().createObjectNode();
      cfg.putArray("command")
          .add("{java}")
          .add("-Xmx128m")
          .add("-XX:TieredStopAtLevel=1")
          .add("-jar")
          .add("{artifact}");
      cfg.putObject("env").put("PRICE_URL", feed.url("/price"));
      cfg.putObject("fetch")
          .put("extraRootsPem", feed.rootPem())
          .put("maxResponseBytes", 4096)
          .put("maxFetches", 64);
      cfg.put("timeoutSeconds", 300).put("kmsPublicKey", kmsKey);
      byte[] config = cfg.toString().getBytes(StandardCharsets.UTF_8);
      AppMeasurement m = new AppMeasurement(appId, ArtifactDigest.of(jar), config);
      AppPolicy policy =
          new AppPolicy(false, true, true, TcbStatus.UP_TO_DATE, List.of(m.simulatedPolicyEntry()));
      BigInteger created =
          developer.createApp(TrustMode.TEE, new Bytes32(m.artifactDigest()), policy.encode()).id();
      if (!created.equals(appId)) {
        throw new IllegalStateException(
            "the TEE app got id "
                + created
                + ", not the "
                + appId
                + " its measurement was made for");
      }
      n.say(
          "app %s: the price agent %s (%,d bytes, TEE mode); its policy admits exactly this artifact and launch configuration "
              + "(RTMR0, RTMR3) on the SIMULATED backend (no TEE hardware here: every answer says simulated: true)",
          appId, jar.getFileName(), Files.size(jar));
      Address appWallet = TeeJobs.walletFromKms(devnet.kmsUrl(), appId);
      developer.setTeeSigner(appId, appWallet);
      n.say(
          "the KMS derives app %s's wallet %s; the developer names it the app's signer: JobManager now takes job results "
              + "only with that wallet's signature, which only a launch that passed the policy can make",
          appId, appWallet);
      byte[] input =
          ("{\"fetches\": " + TEE_FETCHES + ", \"intervalMs\": 800}")
              .getBytes(StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      TeeJobs.Submitted job =
          TeeJobs.submit(
              developer,
              da,
              appId,
              jar,
              config,
              List.of(),
              input,
              TeeJobs.DEFAULT_MAX_STEPS,
              FEE,
              dev.trustdial.node.job.ProgramBlobs.MAX_BLOB_BYTES);
      BigInteger id = job.jobId();
      ourJobs.add(id);
      n.say(
          "developer submitted job %s: the artifact archive (%s) and the job envelope (%s) on DA; input %s",
          id,
          abbrev(job.artifactKey()),
          abbrev(job.envelopeKey()),
          new String(input, StandardCharsets.UTF_8));
      var assigned =
          watch.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id),
              Duration.ofSeconds(30),
              () -> {},
              "job 4's assignment");
      String first = name(assigned.operator());
      watch.await(
          SettlementEvent.HeartbeatPosted.class,
          h -> h.jobId().equals(id) && h.step() >= 2,
          Duration.ofSeconds(120),
          () -> {},
          first + "'s second sealed state");
      logLine(devnet, first, "TEE app " + appId + " launched")
          .ifPresent(l -> n.say("%s's log: %s", first, l));
      devnet.kill(first);
      long killedAt = System.nanoTime();
      JobInfo atKill = owner.job(id);
      n.say(
          "SIGKILL %s after %d sealed states (each on DA, its hash in a heartbeat); the app loses its agent and stops",
          first, atKill.lastStep());
      owner.advanceTime(Math.max(1, atKill.deadline() - owner.chainTime() + 1));
      var reassigned =
          watch.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id) && a.attempt() == 1,
              Duration.ofSeconds(60),
              () -> {},
              "job 4's reassignment");
      String successor = name(reassigned.operator());
      var result =
          watch.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(180),
              () -> {},
              "job 4's result");
      timings.put("TEE takeover: kill -> successor's signed answer (s)", seconds(killedAt));
      logLine(devnet, successor, "restoring the TEE app's sealed state")
          .ifPresent(l -> n.say("%s's log: %s", successor, l));
      byte[] output = da.get(result.outputBlobKey());
      SignedAnswer answer = SignedAnswer.fromJson(output);
      List<java.security.cert.X509Certificate> roots = new ArrayList<>();
      for (Roster.Member op : Roster.OPERATORS) {
        roots.add(
            dev.trustdial.tee.x509.Certificates.fromDerOrPem(
                    Files.readAllBytes(
                        devnet
                            .kmsDir()
                            .resolveSibling(op.name())
                            .resolve("tee")
                            .resolve(SimulatedTee.ROOT_FILE)),
                    "simulation root")
                .getFirst());
      }
      SignedAnswer.Check check =
          answer.verify(
              TrustAnchors.pinned().withSimulationRoots(roots),
              AttestationPolicy.standard().allowingSimulated(),
              java.time.Instant.now(),
              Optional.of(policy),
              Optional.empty());
      boolean sameWallet =
          logLine(devnet, first, "TEE app " + appId + " launched")
              .map(l -> l.contains(answer.wallet().toString()))
              .orElse(false);
      n.say("the answer: \"%s\"", answer.answer());
      logLine(devnet, successor, "signed by the app wallet")
          .ifPresent(l ->
              n.say(
                  "%s: the result went through submitTeeResult, %s",
                  successor, "its app-wallet signature checked onchain"));
      n.say(
          "its bundle %s: %s; signed by app wallet %s, %s before the takeover",
          check.valid() ? "VERIFIES" : "DOES NOT VERIFY",
          check
              .failure()
              .orElse(
                  String.join(", ", check.checks().subList(0, Math.min(3, check.checks().size())))),
          answer.wallet(),
          sameWallet ? "the SAME wallet as" : "a DIFFERENT wallet from");
      awaitVerdict(devnet, id);
      owner.advanceTime(params.challengeWindowSeconds() + 1);
      n.say(
          "a TEE result is attested, not re-executed: no challenge is possible; the window passes (fast-forwarded)");
      var finalized =
          watch.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60),
              () -> {},
              "job 4's finalization");
      ResultCommitment r = result.result();
      return new DemoReport.JobLine(
          id.toString(),
          "TEE agent killed; successor unseals its state",
          owner.job(id).status().name(),
          first,
          successor,
          r.stepCount(),
          r.outputHash().toHex(),
          r.checkpointRoot().toHex(),
          check.valid() && sameWallet,
          name(finalized.paidTo()),
          Tokens.format(finalized.fee()),
          seconds(t0));
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      throw new IllegalStateException(
          "a devnet simulation root does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * Builds zk/circuits/recommender.circom with the dev ceremony (generated once per machine and
   * cached).
   */
  private ZkApps.BuildDir buildRecommender(Path out) {
    long t0 = System.nanoTime();
    Path circuit =
        dev.trustdial.cli.ProjectFiles.find(
            "zk/circuits/recommender.circom", "the recommender circuit", "use a full checkout");
    Snarkjs tool = Snarkjs.locate();
    new ZkBuilder(tool).build(circuit, out, Ceremony.dev(tool), "developer");
    timings.put("ZK: circuit build, Groth16 setup and verifier (s)", seconds(t0));
    return ZkApps.BuildDir.read(out);
  }

  /**
   * Job 5: ZK mode. The developer's recommender circuit (top 3 of 8 items by dot product) becomes
   * an app whose verifier runs onchain; the assigned operator proves the job and JobManager
   * finalizes it in the transaction that verifies the proof: no window, nothing for a watchtower to
   * re-execute.
   */
  private DemoReport.JobLine zkRecommender(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      CompletableFuture<ZkApps.BuildDir> built)
      throws IOException {
    n.phase(
        "Job 5: ZK mode: the operator proves a recommender's top 3; the proof verifies onchain and the job is final at once");
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
      }
    }
    ZkApps.BuildDir build = built.join();
    ZkManifest manifest = build.artifact().manifest();
    n.say(
        "the developer's circuit %s: %,d constraints, %d input words, %d output words; Groth16 with the DEV ceremony (power %d, made on "
            + "this machine: whoever ran it could forge proofs; a real app uses a public ceremony file)",
        manifest.circuit(),
        manifest.constraints(),
        manifest.inputWords(),
        manifest.outputWords(),
        manifest.ceremony().power());
    int[] user = {3, 1, 4, 1, 5, 9, 2, 6};
    int[][] items = new int[RecommenderReference.ITEMS][RecommenderReference.DIMS];
    java.util.Random r = new java.util.Random(2026);
    for (int[] item : items) {
      for (int d = 0; d < item.length; d++) {
        item[d] = r.nextInt(256);
      }
    }
    List<BigInteger> input = RecommenderReference.pack(user, items);
    List<BigInteger> expected = RecommenderReference.rank(user, items);
    ZkProver prover =
        new ZkProver(Snarkjs.locate(), Files.createTempDirectory("trustdial-demo-zk"));
    ZkApps.Created app =
        ZkApps.create(
            developer, build, RecommenderReference.pack(new int[8], new int[8][8]), prover);
    n.say(
        "app %s (ZK): the verifier %s is deployed and accepts a proof of the all-zero sample; jobs pin this verifier",
        app.appId(), app.verifier());
    long t0 = System.nanoTime();
    ZkApps.Submitted job =
        ZkApps.submit(
            developer,
            da,
            app.appId(),
            build,
            input,
            FEE,
            dev.trustdial.node.job.ProgramBlobs.MAX_BLOB_BYTES);
    ourJobs.add(job.jobId());
    BigInteger id = job.jobId();
    n.say(
        "developer submitted job %s: a user vector and 8 items of 8 values, packed into %d words on DA (%s)",
        id, input.size(), abbrev(job.envelopeKey()));
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(180),
            () -> {},
            "job 5's finalization");
    JobInfo done = owner.job(id);
    List<BigInteger> output = dev.trustdial.zk.ZkWords.decode(da.get(done.outputBlobKey()));
    boolean same = output.equals(expected);
    String prover5 = name(finalized.paidTo());
    Optional<String> line = logLine(devnet, prover5, "proven in");
    double proveSeconds =
        line.map(l -> Double.parseDouble(l.replaceAll("^proven in ([0-9.]+) s.*$", "$1")))
            .orElse(Double.NaN);
    line.ifPresent(l -> n.say("%s's log: %s", prover5, l));
    n.say(
        "top 3 items %s with scores %s: %s the direct computation here",
        output.subList(0, 3), output.subList(3, 6), same ? "IDENTICAL to" : "DIFFERENT from");
    double directNanos = RecommenderReference.nanosPerRun(user, items);
    timings.put("ZK: operator's witness + Groth16 proof (s)", proveSeconds);
    timings.put(
        "ZK: the same computation run directly in Java (us)",
        Math.round(directNanos / 10.0) / 100.0);
    timings.put(
        "ZK: overhead (proof time / direct run)",
        (double) Math.round(proveSeconds * 1e9 / directNanos));
    n.say(
        "proving took %.2f s against %.2f us to compute the answer directly: %,.0fx (the seed's 'up to 100,000x'; bench/zk explains "
            + "why it swings)",
        proveSeconds, directNanos / 1000, proveSeconds * 1e9 / directNanos);
    return new DemoReport.JobLine(
        id.toString(),
        "ZK recommender: proven, final in the verifying tx",
        done.status().name(),
        prover5,
        prover5,
        0,
        done.result().orElseThrow().outputHash().toHex(),
        done.result().orElseThrow().checkpointRoot().toHex(),
        same,
        prover5,
        Tokens.format(finalized.fee()),
        seconds(t0));
  }

  /**
   * Job 6: REEXEC_OBJECTIVE. The developer's app pins the sha256chain guest's prestate and a stride
   * of 2^8 steps; the job's envelope goes to the InputOracle, where the court reads its input root.
   * The drawn assignee is restarted (as in job 3) with the test-only --lie-at-step fault: it claims
   * a trace that is wrong from that step on. The watchtower re-executes, challenges, and plays the
   * bisection game alone down to one step, which RiscvStep executes onchain; the liar is slashed,
   * the job is queued again and completed by another operator. The demo narrates the match move by
   * move from the court's events ({@link MatchWatch}), read twice a second.
   */
  private DemoReport.JobLine objectiveLie(
      Devnet devnet, Settlement owner, Settlement developer, DaClient da, ChainWatch watch)
      throws IOException {
    n.phase(
        "Job 6: REEXEC_OBJECTIVE: an operator lies from step "
            + LIE_AT_STEP
            + "; the watchtower alone proves it wrong onchain, "
            + "one VM step executed by the contract");
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
      }
    }
    Path guest =
        dev.trustdial.cli.ProjectFiles.find(
            "trustdial-vm/target/guest/" + OBJECTIVE_GUEST,
            "job 6's guest " + OBJECTIVE_GUEST,
            "run trustdial-vm/setup.sh");
    byte[] elf =
        dev.trustdial.cli.InputFiles.read(
            guest, "job 6's guest", dev.trustdial.vm.elf.ElfLoader.MAX_ELF_BYTES);
    byte[] input = sha256chainInput(1, 40);
    dev.trustdial.chain.ObjectiveCourtClient court =
        dev.trustdial.chain.ObjectiveCourtClient.of(owner);
    BigInteger appId;
    Bytes32 envelopeKey;
    JobEnvelope envelope;
    dev.trustdial.node.objective.BlobInputs blobs;
    try (dev.trustdial.chain.ObjectiveApps objective =
        dev.trustdial.chain.ObjectiveApps.of(developer)) {
      var config =
          dev.trustdial.cli.chain.ObjectiveApp.prestate(
              guest,
              elf,
              dev.trustdial.cli.chain.ObjectiveApp.Params.parse(
                  null, null, OBJECTIVE_STRIDE_LOG2, true));
      Bytes32 programKey = da.put(elf).blobKey();
      var created =
          dev.trustdial.cli.chain.ObjectiveApp.create(developer, objective, config, new byte[0]);
      appId = created.appId();
      n.say(
          "app %s (REEXEC_OBJECTIVE, inputs as EIP-4844 blobs): the sha256chain guest (%,d bytes) on DA as blob %s; its ObjectiveConfig "
              + "%s pins the prestate (entry pc 0x%08x, image root %s) and a trace leaf every 2^%d steps",
          appId,
          elf.length,
          abbrev(programKey),
          created.config(),
          config.entryPc(),
          abbrev(config.imageRoot()),
          OBJECTIVE_STRIDE_LOG2);
      envelope = new JobEnvelope(programKey, 1L << 20, input);
      var cert = da.put(envelope.encode());
      envelopeKey = cert.blobKey();
      blobs =
          dev.trustdial.node.objective.BlobInputs.of(
              envelope.encode(), dev.trustdial.da.kzg.JniKzg.load());
      var posted =
          objective.postInputBlobs(
              cert.header().encode(),
              blobs.blobBytes(),
              blobs.commitments().stream().map(c -> c.bytes()).toList(),
              blobs.blobProofs().stream().map(p -> p.bytes()).toList(),
              blobs.versionedHashes());
      var entry =
          objective
              .blobInputOf(posted.blobKey())
              .orElseThrow(
                  () -> new IllegalStateException("job 6's input is not on the InputOracle"));
      n.say(
          "the job envelope on DA as %s, and its sub-blob posted to the InputOracle as an EIP-4844 blob (versioned hash %s, %,d gas): "
              + "input root %s (%d bytes); the court reads the job's input from there, a read step through the point-evaluation precompile",
          abbrev(envelopeKey),
          abbrev(blobs.versionedHashes().getFirst()),
          posted.tx().map(t -> t.gasUsed()).orElse(0L),
          abbrev(entry.inputRoot()),
          entry.inputLength());
    }
    // The honest trace, computed here: the demo checks the liar's claim, the court's verdict and
    // the final result against it.
    dev.trustdial.vm.trace.StrideTrace honest =
        dev.trustdial.vm.trace.TraceRun.honest(
                elf,
                blobs.vmInput(),
                dev.trustdial.vm.VmConfig.defaults(),
                new dev.trustdial.vm.trace.TraceShape(OBJECTIVE_MAX_STEPS, OBJECTIVE_STRIDE_LOG2))
            .strideTrace();
    n.say(
        "the honest trace, computed here: halts at step %,d of a %,d-step budget, trace root %s, H = %d stride levels",
        honest.finalState().step(),
        OBJECTIVE_MAX_STEPS,
        abbrev(honest.root()),
        honest.strideHeight());

    long[] submittedAt = new long[1];
    Drawn draw =
        drawFaultyAssignee(
            devnet,
            owner,
            watch,
            6,
            () -> {
              submittedAt[0] = System.nanoTime();
              BigInteger job =
                  developer
                      .submitJob(appId, envelopeKey, envelope.digest(), OBJECTIVE_MAX_STEPS, FEE)
                      .id();
              ourJobs.add(job);
              n.say(
                  "developer submitted job %s to app %s (fee %s, maxSteps %,d): sha256 of 40 bytes, once",
                  job, appId, Tokens.format(FEE), OBJECTIVE_MAX_STEPS);
              return job;
            },
            "the test-only --lie-at-step %d fault: it will claim a trace that is wrong from step %,d on"
                .formatted(LIE_AT_STEP, LIE_AT_STEP),
            "--lie-at-step",
            Long.toString(LIE_AT_STEP));
    BigInteger id = draw.jobId();
    long t0 = submittedAt[0];
    Address drawn = draw.drawn();
    String liar = draw.liar();
    var lie =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 6's result");
    long liedAt = System.nanoTime();
    n.say(
        "%s claims trace root %s after %,d steps; the honest root is %s: %s",
        liar,
        abbrev(lie.result().checkpointRoot()),
        lie.result().stepCount(),
        abbrev(honest.root()),
        lie.result().checkpointRoot().equals(honest.root()) ? "the SAME (no lie?)" : "a LIE");
    var challenged =
        watch.await(
            SettlementEvent.JobChallenged.class,
            c -> c.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "the watchtower's challenge");
    BigInteger match = challenged.disputeId();
    logLine(devnet, Roster.WATCHTOWER.name(), "job " + id + ": challenged with trace root")
        .ifPresent(l -> n.say("%s's log: %s", Roster.WATCHTOWER.name(), l));
    n.say(
        "match %s: %s (operator, O) against %s (challenger, C), each on a chess clock; they bisect the stride tree, open one stride, "
            + "bisect its steps, and one step is executed onchain",
        match, liar, name(challenged.challenger()));

    // The match, move by move, from the court's events (several moves a second: a poll of the
    // match's state would miss some).
    int moves;
    long moveGas;
    Verdict verdict;
    {
      MatchWatch game =
          new MatchWatch(
              owner,
              court,
              match,
              challenged.where().block(),
              liar,
              name(challenged.challenger()),
              OBJECTIVE_STRIDE_LOG2,
              this::name);
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (!game.poll(n)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "match "
                  + match
                  + " is not over within 240 s; it is "
                  + court.match(match)
                  + "; the node logs say why");
        }
        watch.poll();
        sleep(Duration.ofMillis(500));
      }
      moves = game.moves();
      moveGas = game.gas();
      verdict = game.verdict();
    }
    ObjectiveMatch over = court.match(match);
    long stepNumber = court.stepNumber(match);
    if (over.verdict() != verdict) {
      throw new IllegalStateException(
          "the court's events say " + verdict + ", its state " + over.verdict());
    }
    n.say(
        "the court: %s at step %,d -> %,d after %d moves (%,d gas, both sides); the liar's first wrong state is T(%,d)",
        verdict, stepNumber, stepNumber + 1, moves, moveGas, LIE_AT_STEP);
    var resolved =
        watch.await(
            SettlementEvent.DisputeResolved.class,
            d -> d.disputeId().equals(match),
            Duration.ofSeconds(60),
            () -> {},
            "job 6's verdict");
    var slashed =
        watch.await(
            SettlementEvent.Slashed.class,
            x -> x.operator().equals(drawn) && x.where().block() == resolved.where().block(),
            Duration.ofSeconds(30),
            () -> {},
            "the liar's slash");
    timings.put("objective: lie posted -> liar slashed (s)", seconds(liedAt));
    var reassigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id) && a.attempt() >= 1,
            Duration.ofSeconds(60),
            () -> {},
            "job 6's reassignment");
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id) && r.operator().equals(reassigned.operator()),
            Duration.ofSeconds(120),
            () -> {},
            "job 6's honest result");
    ResultCommitment r = result.result();
    boolean same =
        r.checkpointRoot().equals(honest.root()) && r.stepCount() == honest.finalState().step();
    n.say(
        "%s: trace root %s after %,d steps: %s the honest trace computed here",
        name(result.operator()),
        abbrev(r.checkpointRoot()),
        r.stepCount(),
        same ? "IDENTICAL to" : "DIFFERENT from");
    String towerSays =
        "job " + id + ": re-executed (objective), trace root " + r.checkpointRoot() + " matches";
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (logLine(devnet, Roster.WATCHTOWER.name(), towerSays).isEmpty()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException(
            Roster.WATCHTOWER.name() + " did not check job 6's second result within 120 s");
      }
      watch.poll();
      sleep(Duration.ofMillis(250));
    }
    n.say(
        "%s re-executed job %s's new result: same trace root, no challenge",
        Roster.WATCHTOWER.name(), id);
    owner.advanceTime(params.challengeWindowSeconds() + 1);
    n.say("the %d s challenge window passes (fast-forwarded)", params.challengeWindowSeconds());
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(60),
            () -> {},
            "job 6's finalization");
    objectiveOutcome =
        new DemoReport.Objective(
            liar,
            match.toString(),
            verdict.name(),
            stepNumber,
            LIE_AT_STEP,
            moves,
            Tokens.format(slashed.amount()),
            name(result.operator()),
            owner.hasFailed(id, drawn),
            0,
            0);
    boolean ok =
        same
            && verdict == Verdict.OPERATOR_REFUTED
            && stepNumber == LIE_AT_STEP - 1
            && !result.operator().equals(drawn);
    return new DemoReport.JobLine(
        id.toString(),
        "objective liar refuted at one step, onchain",
        owner.job(id).status().name(),
        liar,
        name(result.operator()),
        r.stepCount(),
        r.outputHash().toHex(),
        r.checkpointRoot().toHex(),
        ok,
        name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        seconds(t0));
  }

  /** sha256chain's input: u32 LE iteration count, then {@code bytes} bytes of data. */
  static byte[] sha256chainInput(int iterations, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    for (int i = 0; i < bytes; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }

  /** Puts the job envelope on DA and submits the job; the chain assigns it. */
  private Submitted submit(
      Settlement developer,
      DaClient da,
      BigInteger appId,
      JobEnvelope envelope,
      CompletableFuture<Expected> reference,
      String what) {
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    long t0 = System.nanoTime();
    BigInteger id = developer.submitJob(appId, envelopeKey, envelope.digest(), MAX_STEPS, FEE).id();
    ourJobs.add(id);
    n.say(
        "developer submitted job %s to app %s (fee %s; envelope on DA as %s): %s",
        id, appId, Tokens.format(FEE), abbrev(envelopeKey), what);
    return new Submitted(id, reference, t0);
  }

  /** Narrates the events of the demo's jobs as the node processes cause them. */
  private void narrate(SettlementEvent e) {
    switch (e) {
      case SettlementEvent.JobQueued q when ourJobs.contains(q.jobId()) ->
          n.say(
              "chain: job %s queued (attempt %d): its assignee will be drawn from the hash of block %d, which nobody knows yet",
              q.jobId(), q.attempt(), q.seedBlock());
      case SettlementEvent.JobAssigned a when ourJobs.contains(a.jobId()) ->
          n.say(
              a.attempt() == 0
                  ? "chain: a keeper assigned job %s: %s drawn by stake"
                      .formatted(a.jobId(), name(a.operator()))
                  : "chain: job %s REASSIGNED to %s (attempt %d), %s"
                      .formatted(
                          a.jobId(),
                          name(a.operator()),
                          a.attempt(),
                          a.resumeFromCheckpoint().equals(Bytes32.ZERO)
                              ? "to run from the start"
                              : "to resume from checkpoint blob "
                                  + abbrev(a.resumeFromCheckpoint())));
      case SettlementEvent.HeartbeatPosted h when ourJobs.contains(h.jobId()) ->
          n.say(
              "%s: checkpoint at step %,d written to DA (%s) and heartbeat posted",
              name(h.operator()), h.step(), abbrev(h.checkpointBlobKey()));
      case SettlementEvent.HeartbeatMissed m when ourJobs.contains(m.jobId()) ->
          n.say(
              "%s: reportMissed(job %s): %s missed its deadline%s",
              name(m.reporter()),
              m.jobId(),
              name(m.operator()),
              m.slashed().signum() == 0
                  ? " (already slashed for liveness within the cooldown)"
                  : "; the reporter gets "
                      + Tokens.format(JobParams.ofWad(m.slashed(), params.reporterShareWad())));
      case SettlementEvent.Slashed s -> {
        BigInteger[] split = split(s);
        slashSplits.put(s.where().txHash() + "/" + s.where().logIndex(), split);
        n.say(
            "chain: %s SLASHED %s (%s): %s of its own stake, %s of its delegators'",
            name(s.operator()),
            Tokens.format(s.amount()),
            s.reason(),
            Tokens.format(split[0]),
            Tokens.format(split[1]));
      }
      case SettlementEvent.ResultSubmitted r when ourJobs.contains(r.jobId()) ->
          n.say(
              "%s: result for job %s after %,d steps: output %s",
              name(r.operator()),
              r.jobId(),
              r.result().stepCount(),
              abbrev(r.result().outputHash()));
      case SettlementEvent.JobChallenged c when ourJobs.contains(c.jobId()) ->
          n.say(
              "%s: re-executed job %s from DA, got a different result, CHALLENGED with a %s bond (dispute %s)",
              name(c.challenger()), c.jobId(), Tokens.format(c.bond()), c.disputeId());
      case SettlementEvent.DisputeOpened d -> disputeJobs.put(d.disputeId(), d.jobId());
      case SettlementEvent.DisputeResolved d
          when d.verdict() == Verdict.OPERATOR_REFUTED && ourJobs.contains(d.jobId()) ->
          n.say(
              "chain: match %s on job %s resolved: OPERATOR_REFUTED%s; the result is dropped and the job queued again",
              d.disputeId(), d.jobId(), d.moot() ? " (moot)" : "");
      case SettlementEvent.Voted v
          when ourJobs.contains(disputeJobs.getOrDefault(v.disputeId(), BigInteger.ZERO)) ->
          n.say(
              "%s: re-executed job %s and voted in dispute %s with its %s of VERIFIER stake",
              name(v.voter()),
              disputeJobs.get(v.disputeId()),
              v.disputeId(),
              Tokens.format(v.weight()));
      case SettlementEvent.DisputeSettled d when ourJobs.contains(d.jobId()) ->
          n.say(
              "chain: dispute %s on job %s resolved: %s (%s voted, the leading commitment %s)",
              d.disputeId(),
              d.jobId(),
              d.verdict() + (d.moot() ? ", moot" : ""),
              Tokens.format(d.castWeight()),
              Tokens.format(d.leadingWeight()));
      case SettlementEvent.VoteSettled v
          when ourJobs.contains(disputeJobs.getOrDefault(v.disputeId(), BigInteger.ZERO)) ->
          n.say(
              "%s: settled its vote in dispute %s: %s",
              name(v.voter()),
              v.disputeId(),
              v.penalty().signum() > 0
                  ? "penalty " + Tokens.format(v.penalty())
                  : "reward " + Tokens.format(v.reward()) + "; its stake is free to leave again");
      case SettlementEvent.JobFinalized f when ourJobs.contains(f.jobId()) ->
          n.say(
              "chain: job %s FINALIZED, fee %s paid to %s",
              f.jobId(), Tokens.format(f.fee()), name(f.paidTo()));
      case SettlementEvent.JobFailed f when ourJobs.contains(f.jobId()) ->
          n.say("chain: job %s FAILED (%s); fee and deposit refunded", f.jobId(), f.reason());
      default -> {}
    }
  }

  /**
   * How a slash divided between the operator's own stake and its delegators' (every share loses the
   * same fraction): its own shares' part of each half of the pool. Read right after the slash,
   * while nobody has moved stake in or out of the pool since (the demo restarts slashed operators
   * later).
   */
  private BigInteger[] split(SettlementEvent.Slashed s) {
    StakePool pool = reader.pool(s.operator());
    Delegation own = reader.delegation(s.operator(), s.operator());
    BigInteger fromActive =
        pool.activeShares().signum() == 0
            ? BigInteger.ZERO
            : s.fromActive().multiply(own.shares()).divide(pool.activeShares());
    BigInteger fromPending =
        pool.pendingShares().signum() == 0
            ? BigInteger.ZERO
            : s.fromPending().multiply(own.pendingShares()).divide(pool.pendingShares());
    BigInteger mine = fromActive.add(fromPending);
    return new BigInteger[] {mine, s.amount().subtract(mine)};
  }

  /**
   * Waits until the watchtower says it re-executed the job (its /health verdicts), so the window it
   * had is visible.
   */
  private void awaitVerdict(Devnet devnet, BigInteger jobId) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String name = Roster.WATCHTOWER.name();
    while (System.nanoTime() < deadline) {
      try {
        var body =
            new ObjectMapper()
                .readTree(
                    http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:" + devnet.httpPort(name) + "/health"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body());
        String verdict = body.path("verdicts").path(jobId.toString()).asText("");
        if (!verdict.isEmpty()) {
          if (verdict.startsWith("TEE")) {
            n.say(
                "%s checked job %s's answer from DA (evidence, policy, transcript, signature): %s",
                name, jobId, verdict);
          } else {
            n.say(
                "%s re-executed job %s from DA: %s",
                name, jobId, verdict.equals("ok") ? "same commitment, no challenge" : verdict);
          }
          return;
        }
        Thread.sleep(250);
      } catch (IOException e) {
        throw new IllegalStateException(name + " does not answer /health: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(
        name + " did not re-execute job " + jobId + " within 120 s; see " + devnet.log(name));
  }

  private void progress(Settlement chain, BigInteger jobId, String who, long total) {
    n.progress(who + " job " + jobId, Math.min(chain.job(jobId).lastStep(), total), total);
  }

  private static Optional<String> logLine(Devnet devnet, String name, String containing) {
    try {
      return Files.readAllLines(devnet.log(name)).stream()
          .filter(l -> l.contains(containing))
          .reduce((a, b) -> b)
          .map(l -> l.substring(l.indexOf(containing)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private DemoReport report(
      Devnet devnet,
      Settlement owner,
      ChainWatch watch,
      long startBlock,
      Map<Address, OperatorInfo> before,
      List<DemoReport.JobLine> jobs) {
    List<SettlementEvent> events = watch.events();
    List<DemoReport.SlashLine> slashes = new ArrayList<>();
    for (SettlementEvent e : events) {
      if (e instanceof SettlementEvent.Slashed s) {
        BigInteger[] split =
            slashSplits.getOrDefault(
                s.where().txHash() + "/" + s.where().logIndex(),
                new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
        Payout p = payout(owner, s, events);
        slashes.add(
            new DemoReport.SlashLine(
                name(s.operator()),
                s.reason(),
                Tokens.format(s.amount()),
                Tokens.format(split[0]),
                Tokens.format(split[1]),
                p.to(),
                Tokens.format(p.reward()),
                Tokens.format(s.amount().subtract(p.reward()))));
      }
    }
    Map<Address, OperatorInfo> after = stakes(owner);
    Map<Address, BigInteger> deposited = new LinkedHashMap<>();
    for (SettlementEvent e : events) {
      if (e instanceof SettlementEvent.Delegated d && d.staker().equals(d.operator())) {
        deposited.merge(d.operator(), d.amount(), BigInteger::add);
      }
    }
    List<DemoReport.StakeLine> stakeLines = new ArrayList<>();
    before.forEach((a, b) -> {
      OperatorInfo x = after.get(a);
      stakeLines.add(
          new DemoReport.StakeLine(
              name(a),
              a.toString(),
              Tokens.format(b.selfStake()),
              Tokens.format(b.delegatedStake()),
              Tokens.format(deposited.getOrDefault(a, BigInteger.ZERO)),
              Tokens.format(x.selfStake()),
              Tokens.format(x.delegatedStake())));
    });
    Map<String, DemoReport.GasLine> gas = new LinkedHashMap<>();
    int certificates = 0;
    int courtMoves = 0;
    long courtGas = 0;
    for (var e :
        GasLedger.of(devnet.descriptor().rpcUrl(), startBlock, owner.blockNumber()).entrySet()) {
      gas.put(
          e.getKey(),
          new DemoReport.GasLine(
              e.getValue().calls(), e.getValue().avgGas(), e.getValue().maxGas()));
      if (e.getKey().startsWith("ObjectiveCourt.")) {
        // Job 6's game: start, bisect, openStride, proveStep (and timeout, closeMoot if any), both
        // sides.
        courtMoves += e.getValue().calls();
        courtGas += e.getValue().totalGas();
      }
      if (e.getKey().startsWith("BlobRegistry.")) {
        certificates += e.getValue().calls();
      }
    }
    return new DemoReport(
        devnet.descriptor().rpcUrl(),
        program.toString(),
        jobs,
        slashes,
        stakeLines,
        gas,
        timings,
        objectiveOutcome == null ? null : objectiveOutcome.withGas(courtMoves, courtGas),
        certificates,
        n.seconds());
  }

  /** Who a slash paid, and how much (docs/spec/settlement.md §3); the rest was burned. */
  private record Payout(String to, BigInteger reward) {}

  private Payout payout(Settlement owner, SettlementEvent.Slashed s, List<SettlementEvent> events) {
    for (SettlementEvent e : events) {
      if (!e.where().txHash().equals(s.where().txHash())) {
        continue;
      }
      if (e instanceof SettlementEvent.HeartbeatMissed m) {
        return new Payout(
            name(m.reporter()) + " (reporter)",
            JobParams.ofWad(s.amount(), params.reporterShareWad()));
      }
      if (e instanceof SettlementEvent.DisputeResolved r) {
        Challenge c = owner.challengeOf(r.disputeId());
        BigInteger toChallenger =
            r.verdict() == Verdict.CHALLENGER_WINS || r.verdict() == Verdict.OPERATOR_REFUTED
                ? c.bond().min(JobParams.ofWad(s.amount(), params.partyRewardWad()))
                : BigInteger.ZERO;
        if (r.verdict() == Verdict.OPERATOR_REFUTED) {
          // The objective court has no voters: the challenger's reward, the rest burned
          // (JobManager._dropResult).
          return new Payout(
              name(c.challenger()) + " " + Tokens.format(toChallenger) + " (challenger)",
              toChallenger);
        }
        BigInteger toVoters = JobParams.ofWad(s.amount(), params.voterRewardWad());
        return new Payout(
            name(c.challenger())
                + " "
                + Tokens.format(toChallenger)
                + ", voters "
                + Tokens.format(toVoters),
            toChallenger.add(toVoters));
      }
    }
    return new Payout("nobody", BigInteger.ZERO);
  }

  private void print(DemoReport r) {
    PrintWriter out = n.out();
    StringWriter table = new StringWriter();
    PrintWriter t = new PrintWriter(table);
    t.printf(
        "      %-4s %-52s %-10s %-11s %-11s %13s  %-12s %-12s %-4s %7s%n",
        "job",
        "story",
        "status",
        "assigned",
        "finished by",
        "steps",
        "output",
        "ckpt root",
        "same",
        "time");
    for (DemoReport.JobLine j : r.jobs()) {
      t.printf(
          "      %-4s %-52s %-10s %-11s %-11s %,13d  %-12s %-12s %-4s %6.1fs%n",
          j.jobId(),
          j.story(),
          j.status(),
          j.assignedFirst(),
          j.finishedBy().replace(" (challenger)", ""),
          j.steps(),
          j.outputHash().substring(0, 12),
          j.checkpointRoot().substring(0, 12),
          j.matchesUninterruptedRun() ? "yes" : "NO",
          j.seconds());
    }
    t.printf(
        "%n      fees: %s%n",
        String.join(
            ", ",
            r.jobs().stream()
                .map(j -> "job " + j.jobId() + " -> " + j.paidTo() + " (" + j.fee() + ")")
                .toList()));
    t.printf(
        "%n      slashes%n      %-12s %-9s %-14s %-14s %-16s %-44s %s%n",
        "operator", "reason", "slashed", "its own", "its delegators'", "paid to", "burned");
    for (DemoReport.SlashLine s : r.slashes()) {
      t.printf(
          "      %-12s %-9s %-14s %-14s %-16s %-44s %s%n",
          s.operator(),
          s.reason(),
          s.amount(),
          s.fromOperator(),
          s.fromDelegators(),
          s.paidTo(),
          s.burned());
    }
    t.printf(
        "%n      stake        %-28s %-32s %s%n",
        "before: own / delegated", "topped up (a restart re-stakes)", "after: own / delegated");
    for (DemoReport.StakeLine s : r.stakes()) {
      t.printf(
          "      %-12s %-28s %-32s %s%n",
          s.name(),
          s.ownBefore() + " / " + s.delegatedBefore(),
          s.deposited(),
          s.ownAfter() + " / " + s.delegatedAfter());
    }
    if (r.objective() != null) {
      DemoReport.Objective o = r.objective();
      t.printf(
          "%n      objective match %s: %s lied from step %,d; %s at step %,d -> %,d after %d moves (%,d gas onchain, both sides); %s slashed %s; finished by %s%n",
          o.match(),
          o.liar(),
          o.lieAtStep(),
          o.verdict(),
          o.stepNumber(),
          o.stepNumber() + 1,
          o.courtMoves(),
          o.courtMoveGas(),
          o.liar(),
          o.slashed(),
          o.finishedBy());
    }
    t.printf("%n      timings%n");
    r.timings().forEach((k, v) -> t.printf("      %-66s %6.1f%n", k, v));
    t.printf(
        "%n      gas per call, every transaction of the demo (nodes, DA certificates, developer)%n");
    r.gas()
        .forEach((k, v) ->
            t.printf(
                "      %-40s %4d x  avg %,9d  max %,9d%n", k, v.calls(), v.avgGas(), v.maxGas()));
    t.printf(
        "%n      DA: %d blob certificates registered onchain (program, inputs, checkpoints, outputs)%n",
        r.daCertificates());
    t.printf("      total %.1f s%n", r.seconds());
    t.flush();
    out.print(table);
    out.flush();
    if (r.jobs().stream()
        .anyMatch(
            j -> !j.matchesUninterruptedRun() || !j.status().equals(JobStatus.FINALIZED.name()))) {
      throw new IllegalStateException("the demo ended in an unexpected state; see the table above");
    }
  }

  /** The operators' and the watchtower's pools, as the chain reports them now. */
  private Map<Address, OperatorInfo> stakes(Settlement s) {
    Map<Address, OperatorInfo> m = new LinkedHashMap<>();
    List<Roster.Member> staked = new ArrayList<>(Roster.OPERATORS);
    staked.add(Roster.WATCHTOWER);
    for (Roster.Member member : staked) {
      for (Map.Entry<Address, String> e : names.entrySet()) {
        if (e.getValue().equals(member.name())) {
          OperatorInfo o = s.operator(e.getKey());
          if (o.registered()) {
            m.put(e.getKey(), o);
          }
        }
      }
    }
    return m;
  }

  /** The guest input: u32 LE ticks, entities, seed. */
  static byte[] input(int ticks) {
    return ByteBuffer.allocate(12)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(ticks)
        .putInt(ENTITIES)
        .putInt(ticks * 31 + 7)
        .array();
  }

  private static JobProgram inferenceProgram(byte[] model, String request) {
    JobEnvelope envelope =
        new JobEnvelope(Bytes32.ZERO, 1, request.getBytes(StandardCharsets.UTF_8));
    return new JobProgram(model, envelope, Hashes.keccak256(model), envelope.digest());
  }

  private static RunResult uninterrupted(byte[] elf, byte[] input) {
    JobEnvelope envelope = new JobEnvelope(Bytes32.ZERO, STRIDE, input);
    JobProgram p = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    return Execution.finish(Execution.start(p, Optional.empty()), MAX_STEPS, CheckpointSink.NONE);
  }

  private byte[] readProgram() {
    if (program == null) {
      program =
          dev.trustdial.cli.ProjectFiles.find(
              "trustdial-vm/target/guest/" + GUEST,
              "the demo's guest " + GUEST,
              "run trustdial-vm/setup.sh, or pass --program");
    }
    return dev.trustdial.cli.InputFiles.read(program, "--program", MAX_PROGRAM_BYTES);
  }

  private String name(Address a) {
    return names.getOrDefault(a, a.toString());
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
  }

  private static String abbrev(Bytes32 b) {
    String h = b.toHex();
    return h.substring(0, 10) + "…" + h.substring(h.length() - 4);
  }
}
