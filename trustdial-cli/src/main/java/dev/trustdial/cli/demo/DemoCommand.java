package dev.trustdial.cli.demo;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustdial.ai.model.BundledModel;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.demo.DemoRun.Expected;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.cli.zk.ZkApps;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.io.PrintWriter;
import java.math.BigInteger;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>Each job is a scenario of its own ({@link TakeoverScenario}, {@link InferenceScenario}, {@link
 * LieScenario}, {@link TeeAgentScenario}, {@link ZkScenario}, {@link ObjectiveScenario}); {@link
 * DemoRun} holds what they share, {@link ChainNarration} tells the chain's events and {@link
 * DemoSummary} the closing report.
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

  @Override
  public Integer call() throws Exception {
    byte[] elf = readProgram();
    PrintWriter story = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    DemoRun demo = new DemoRun(new Narrator(story, !json && System.console() != null, 9));
    Narrator n = demo.n;
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
          demo.timings.put(
              "uninterrupted run here: Msteps/s (VM only, no checkpoints)",
              Math.round(r.steps() / ((System.nanoTime() - t0) / 1e9) / 1e5) / 10.0);
          return new Expected(Execution.commitment(r), r.output().toArray(), "");
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
        CompletableFuture.supplyAsync(
            () -> ZkScenario.build(demo, devnetDir.resolve("zk-recommender")));
    Devnet devnet =
        Devnet.start(
            devnetDir,
            dev.trustdial.chain.anvil.Anvil.DEFAULT_BLOCK_TIME_SECONDS,
            Devnet.Size.full(),
            s -> n.say("%s", s));
    Thread cleanup = new Thread(devnet::close, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (Settlement owner = devnet.connect(Roster.DEPLOYER);
        Settlement developer = devnet.connect(Roster.DEVELOPER);
        DaClient da =
            DaClient.onChain(
                ChainConfig.read(devnetDir.resolve(DevnetDescriptor.FILE)),
                devnet.key(Roster.DEVELOPER),
                Devnet.DA_THRESHOLD_BPS,
                Duration.ofDays(7))) {
      for (Roster.Member m : Roster.all()) {
        demo.names.put(devnet.key(m).address(), m.name());
      }
      long startBlock = owner.blockNumber() + 1;
      demo.params = owner.params();
      demo.reader = owner;
      ChainWatch watch = new ChainWatch(owner, startBlock, new ChainNarration(demo)::narrate);
      Map<Address, OperatorInfo> before = demo.stakes(owner);
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
          appId,
          program.getFileName(),
          elf.length,
          DemoRun.abbrev(programKey),
          DemoRun.abbrev(digest));
      Bytes32 modelKey = da.put(model).blobKey();
      Bytes32 modelDigest = Hashes.keccak256(model);
      BigInteger modelApp =
          developer.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, modelDigest, new byte[0]).id();
      n.say(
          "app %s: the stories260K model (%,d bytes, GGUF) for deterministic inference, on DA as blob %s, digest %s",
          modelApp, model.length, DemoRun.abbrev(modelKey), DemoRun.abbrev(modelDigest));

      List<DemoReport.JobLine> jobs = new ArrayList<>();
      jobs.add(
          new TakeoverScenario(demo)
              .run(devnet, owner, developer, da, watch, appId, programKey, longRun));
      jobs.add(
          new InferenceScenario(demo)
              .run(
                  devnet,
                  owner,
                  developer,
                  da,
                  watch,
                  modelApp,
                  modelKey,
                  inferences.get(HONEST_REQUEST)));
      jobs.add(
          new LieScenario(demo)
              .run(
                  devnet,
                  owner,
                  developer,
                  da,
                  watch,
                  modelApp,
                  modelKey,
                  inferences.get(LIE_REQUEST)));
      jobs.add(
          new TeeAgentScenario(demo)
              .run(teeApp, devnet, owner, developer, da, watch, modelApp.add(BigInteger.ONE)));
      jobs.add(new ZkScenario(demo).run(devnet, owner, developer, da, watch, zkBuild));
      jobs.add(new ObjectiveScenario(demo).run(devnet, owner, developer, da, watch));

      n.phase("Summary");
      watch.poll();
      DemoSummary summary = new DemoSummary(demo);
      DemoReport report = summary.report(devnet, owner, watch, startBlock, before, jobs, program);
      summary.print(report);
      story.println(
          "explorer: "
              + devnet.explorerUrl()
              + (keep ? "" : " (until the devnet stops; --keep leaves it up)"));
      if (json) {
        spec.commandLine()
            .getOut()
            .println(
                Json.mapper()
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
}
