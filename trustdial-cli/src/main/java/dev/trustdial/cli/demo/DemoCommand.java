package dev.trustdial.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.chain.ChainConfig;
import java.time.Duration;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial demo}: one scripted round of the protocol against the real contracts on a fresh
 * local devnet. Job 1: the assigned operator goes silent, is reported and slashed, and a successor
 * resumes from its last checkpoint to the same result an uninterrupted run gives. Job 2: the
 * assigned operator lies, a watchtower re-executes and challenges, the staked verifiers vote, and
 * the liar is slashed. Every actor computes for real; only time is fast-forwarded (anvil's
 * evm_increaseTime) so the windows do not have to be waited out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the main job on a fresh local devnet: takeover after a missed heartbeat, a lie caught by re-execution and a vote, with the slashes they cause.")
public final class DemoCommand implements Callable<Integer> {
  static final long STRIDE = 1 << 18;
  static final long STEPS = 4 * STRIDE;

  @Spec CommandSpec spec;

  @Option(names = "--dir", description = "Keep the devnet's files here (default: a new temporary directory).")
  Path dir;

  @Option(names = "--json", description = "Print the final report as JSON on stdout (the story goes to stderr).")
  boolean json;

  private final List<TxOutcome> txs = new ArrayList<>();
  private DaClient da;
  private int daPuts;
  private int daGets;
  private final Map<Address, String> names = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter story = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    Narrator n = new Narrator(story, !json && System.console() != null, 7);
    Path devnetDir = dir != null ? dir : Files.createTempDirectory("trustdial-demo");
    story.println("TrustDial demo: a scripted round of the settlement protocol on a local devnet");
    n.phase("Start the devnet: anvil, contracts deployed and wired, accounts funded");
    Devnet devnet = Devnet.start(devnetDir, 0, Devnet.MAX_DA_NODES, s -> n.say("%s", s));
    Thread cleanup = new Thread(devnet::close, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      txs.addAll(devnet.deployTransactions());
      n.say("chain %s (id %d), %d deployment/wiring transactions", devnet.descriptor().rpcUrl(), devnet.descriptor().chainId(), txs.size());
      // Every actor writes and reads through the same DA network; the developer's key pays for certificates.
      da = DaClient.onChain(ChainConfig.read(devnetDir.resolve(DevnetDescriptor.FILE)), devnet.key(Roster.DEVELOPER),
          Devnet.DA_THRESHOLD_BPS, Duration.ofDays(1));
      DemoReport report = round(devnet, n);
      print(report, n);
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    } finally {
      devnet.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running already (Ctrl-C); it closes the devnet.
      }
      story.printf("%ndevnet stopped (files in %s)%n", devnetDir);
      story.flush();
    }
  }

  private Settlement actor(Devnet d, Roster.Member m) {
    Settlement s = d.connect(m);
    names.put(s.account(), m.name());
    return s;
  }

  private String name(Address a) {
    return names.getOrDefault(a, a.toString());
  }

  private DemoReport round(Devnet devnet, Narrator n) {
    long t0 = System.nanoTime();
    Settlement owner = actor(devnet, Roster.DEPLOYER);
    List<Settlement> ops = new ArrayList<>();
    for (Roster.Member m : Roster.OPERATORS) {
      ops.add(actor(devnet, m));
    }
    Settlement watchtower = actor(devnet, Roster.WATCHTOWER);
    Settlement developer = actor(devnet, Roster.DEVELOPER);
    long startBlock = owner.blockNumber();

    n.phase("Operators register and stake; the developer creates an app");
    for (Settlement op : ops) {
      txs.add(op.register(EnumSet.of(Role.COMPUTE, Role.VERIFIER), op.account(), "http://127.0.0.1/" + name(op.account())));
      txs.add(op.deposit(Tokens.of(1000)));
      n.say("%-12s registered COMPUTE+VERIFIER, staked %s", name(op.account()), Tokens.format(Tokens.of(1000)));
    }
    txs.add(watchtower.register(EnumSet.of(Role.VERIFIER), watchtower.account(), "http://127.0.0.1/watchtower-1"));
    txs.add(watchtower.deposit(Tokens.of(500)));
    n.say("%-12s registered VERIFIER, staked %s", "watchtower-1", Tokens.format(Tokens.of(500)));
    Map<Address, BigInteger> before = stakes(owner);

    HashChainProgram program = new HashChainProgram(STEPS, STRIDE);
    Bytes32 digest = Hashes.keccak256(("trustdial/demo/hash-chain/v1 steps=" + STEPS + " stride=" + STRIDE).getBytes(StandardCharsets.UTF_8));
    Settlement.Created app = developer.createApp(TrustMode.REEXEC_INTERSUBJECTIVE, digest, new byte[0]);
    txs.add(app.tx());
    n.say("developer created app %s: REEXEC_INTERSUBJECTIVE, program digest %s", app.id(), abbrev(digest));

    List<DemoReport.JobLine> jobs = new ArrayList<>();
    jobs.add(takeoverJob(n, program, app.id(), owner, ops, watchtower, developer));
    jobs.add(lyingJob(n, program, app.id(), owner, ops, watchtower, developer));

    n.phase("Settle: read back every slash from the chain");
    List<DemoReport.SlashLine> slashes = new ArrayList<>();
    for (SettlementEvent e : owner.events().read(startBlock, owner.blockNumber())) {
      if (e instanceof SettlementEvent.Slashed s) {
        slashes.add(new DemoReport.SlashLine(name(s.operator()), s.reason(), Tokens.format(s.amount()), name(s.beneficiary()),
            Tokens.format(s.reward()), Tokens.format(s.burned())));
      }
    }
    Map<Address, BigInteger> after = stakes(owner);
    List<DemoReport.StakeLine> stakeLines = new ArrayList<>();
    before.forEach((a, b) -> stakeLines.add(new DemoReport.StakeLine(name(a), a.toString(), Tokens.format(b), Tokens.format(after.get(a)))));
    Map<String, DemoReport.GasLine> gas = new TreeMap<>();
    Map<String, List<Long>> byAction = new TreeMap<>();
    for (TxOutcome t : txs) {
      byAction.computeIfAbsent(t.action(), k -> new ArrayList<>()).add(t.gasUsed());
    }
    byAction.forEach((k, v) -> gas.put(k, new DemoReport.GasLine(v.size(),
        v.stream().mapToLong(Long::longValue).sum() / v.size(), v.stream().mapToLong(Long::longValue).max().orElse(0))));
    return new DemoReport(devnet.descriptor().rpcUrl(), jobs, slashes, stakeLines, gas, daPuts, daGets, (System.nanoTime() - t0) / 1e9);
  }

  private DemoReport.JobLine takeoverJob(Narrator n, HashChainProgram program, BigInteger appId, Settlement owner,
      List<Settlement> ops, Settlement watchtower, Settlement developer) {
    n.phase("Job 1: the assigned operator goes silent mid-run; it is slashed and a successor resumes");
    byte[] input = "job 1: a long deterministic computation".getBytes(StandardCharsets.UTF_8);
    Bytes32 inputDigest = Hashes.keccak256(input);
    BigInteger fee = Tokens.of(25);
    Bytes32 inputKey = put(n, "developer", "job input", input);
    Settlement.Created job = developer.submitJob(appId, inputKey, inputDigest, STEPS, fee);
    txs.add(job.tx());
    JobInfo info = developer.job(job.id());
    Settlement first = byAddress(ops, info.assignee());
    n.say("job %s submitted (%d steps, fee %s); assigned to %s", job.id(), STEPS, Tokens.format(fee), name(first.account()));

    // The first operator runs two checkpoints, heartbeating each, then stops as if SIGKILLed.
    List<HashChainProgram.Checkpoint> posted = new ArrayList<>();
    try {
      program.runFrom(new HashChainProgram.Checkpoint(0, HashChainProgram.initialState(inputFromDa(developer.job(job.id())))), List.of(), c -> {
        txs.add(first.heartbeat(job.id(), c.step(), c.state(), put(n, name(first.account()), "checkpoint", encode(c))));
        posted.add(c);
        n.say("%s checkpoint at step %,d, heartbeat posted (state %s)", name(first.account()), c.step(), abbrev(c.state()));
        if (posted.size() == 2) {
          throw new OperatorCrashed();
        }
      }, i -> n.progress(name(first.account()) + " running", i, STEPS));
    } catch (OperatorCrashed crashed) {
      n.say("%s goes silent at step %,d (no more heartbeats)", name(first.account()), posted.getLast().step());
    }
    long window = owner.params().heartbeatWindowSeconds();
    owner.advanceTime(window + 1);
    n.say("%d s heartbeat window passes (fast-forwarded on the devnet)", window);
    JobInfo late = watchtower.job(job.id());
    if (owner.chainTime() > late.deadline()) {
      txs.add(watchtower.reportMissed(job.id()));
    }
    JobInfo reassigned = watchtower.job(job.id());
    Settlement successor = byAddress(ops, reassigned.assignee());
    n.say("watchtower-1 reported the miss: %s slashed for liveness; job reassigned to %s (attempt %d)",
        name(first.account()), name(successor.account()), reassigned.attempt());

    // The successor rebuilds the checkpoint list from the heartbeats onchain and resumes from the last one.
    List<HashChainProgram.Checkpoint> known = new ArrayList<>();
    for (SettlementEvent e : successor.events().read(0, successor.blockNumber())) {
      if (e instanceof SettlementEvent.HeartbeatPosted h && h.jobId().equals(job.id())) {
        known.add(new HashChainProgram.Checkpoint(h.step(), h.stateHash()));
      }
    }
    HashChainProgram.Checkpoint resumeAt = decode(get(reassigned.lastCheckpointBlobKey()));
    if (resumeAt.step() != reassigned.lastStep() || !resumeAt.state().equals(reassigned.lastStateHash())) {
      throw new IllegalStateException("the checkpoint on DA does not match the last heartbeat onchain");
    }
    n.say("%s fetched the last checkpoint from DA (blob %s), checked it against the heartbeat onchain, and resumes at step %,d",
        name(successor.account()), abbrev(reassigned.lastCheckpointBlobKey()), resumeAt.step());
    HashChainProgram.Run resumed = program.runFrom(resumeAt, known, c -> {
      txs.add(successor.heartbeat(job.id(), c.step(), c.state(), put(n, name(successor.account()), "checkpoint", encode(c))));
      n.say("%s checkpoint at step %,d, heartbeat posted", name(successor.account()), c.step());
    }, i -> n.progress(name(successor.account()) + " running", i, STEPS));
    ResultCommitment result = commitment(resumed);
    txs.add(successor.submitResult(job.id(), result, resumed.outputHash()));
    n.say("%s submitted the result: output %s, checkpoint root %s", name(successor.account()), abbrev(result.outputHash()), abbrev(result.checkpointRoot()));

    HashChainProgram.Run reference = program.run(inputFromDa(watchtower.job(job.id())), i -> n.progress("watchtower-1 re-executing", i, STEPS));
    boolean same = commitment(reference).equals(result);
    n.say("watchtower-1 re-executed from the input without interruption: %s", same ? "identical result, no challenge" : "MISMATCH");
    owner.advanceTime(owner.params().challengeWindowSeconds() + 1);
    txs.add(watchtower.finalizeJob(job.id()));
    JobInfo done = developer.job(job.id());
    String paidTo = paidTo(owner, job.id());
    n.say("challenge window passed; job %s %s, fee paid to %s", job.id(), done.status(), paidTo);
    return new DemoReport.JobLine(job.id().toString(), "takeover after a missed heartbeat", done.status().name(),
        name(first.account()), name(done.resultOperator()), resumed.steps(), result.outputHash().toHex(), same,
        paidTo, Tokens.format(fee));
  }

  private DemoReport.JobLine lyingJob(Narrator n, HashChainProgram program, BigInteger appId, Settlement owner,
      List<Settlement> ops, Settlement watchtower, Settlement developer) {
    n.phase("Job 2: the assigned operator posts a wrong result; re-execution catches it");
    byte[] input = "job 2: the same program on another input".getBytes(StandardCharsets.UTF_8);
    Bytes32 inputDigest = Hashes.keccak256(input);
    BigInteger fee = Tokens.of(25);
    Bytes32 inputKey = put(n, "developer", "job input", input);
    Settlement.Created job = developer.submitJob(appId, inputKey, inputDigest, STEPS, fee);
    txs.add(job.tx());
    Settlement liar = byAddress(ops, developer.job(job.id()).assignee());
    n.say("job %s assigned to %s, which is configured to lie about the output", job.id(), name(liar.account()));
    HashChainProgram.Run honest = program.runFrom(new HashChainProgram.Checkpoint(0, HashChainProgram.initialState(inputFromDa(developer.job(job.id())))), List.of(),
        c -> txs.add(liar.heartbeat(job.id(), c.step(), c.state(), put(n, name(liar.account()), "checkpoint", encode(c)))),
        i -> n.progress(name(liar.account()) + " running", i, STEPS));
    byte[] forged = honest.outputHash().bytes();
    forged[31] ^= 1;
    ResultCommitment lie = new ResultCommitment(new Bytes32(forged), honest.finalStateHash(), honest.steps(), honest.checkpointRoot());
    txs.add(liar.submitResult(job.id(), lie, new Bytes32(forged)));
    n.say("%s submitted output %s (the true output is %s)", name(liar.account()), abbrev(lie.outputHash()), abbrev(honest.outputHash()));

    ResultCommitment truth = commitment(program.run(inputFromDa(watchtower.job(job.id())), i -> n.progress("watchtower-1 re-executing", i, STEPS)));
    if (!truth.equals(lie)) {
      txs.add(watchtower.challenge(job.id(), truth));
      n.say("watchtower-1 re-executed, found a different output, and challenged with a %s bond", Tokens.format(owner.params().challengeBond()));
    }
    n.phase("The staked verifiers re-execute job 2 and vote; the court slashes the loser");
    for (Settlement v : ops) {
      if (v.account().equals(liar.account())) {
        continue;
      }
      ResultCommitment mine = commitment(program.run(inputFromDa(v.job(job.id())), i -> n.progress(name(v.account()) + " re-executing", i, STEPS)));
      txs.add(v.vote(job.id(), mine.commitment()));
      n.say("%s voted for %s with its stake", name(v.account()), mine.equals(truth) ? "the challenger's result" : "the operator's result");
    }
    owner.advanceTime(owner.dispute(job.id()).deadline() - owner.chainTime() + 1);
    txs.add(watchtower.resolve(job.id()));
    var dispute = owner.dispute(job.id());
    JobInfo done = developer.job(job.id());
    n.say("vote closed: %s stake for the operator, %s for the challenger -> %s wins",
        Tokens.format(dispute.operatorStake()), Tokens.format(dispute.challengerStake()), dispute.operatorWins() ? "operator" : "challenger");
    Bytes32 finalOutput = done.result().orElseThrow().outputHash();
    n.say("job %s %s with output %s (%s)", job.id(), done.status(), abbrev(finalOutput),
        finalOutput.equals(honest.outputHash()) ? "the correct one" : "WRONG");
    String paidTo = paidTo(owner, job.id());
    return new DemoReport.JobLine(job.id().toString(), "lie caught by re-execution and a stake vote", done.status().name(),
        name(liar.account()), paidTo + " (challenger)", honest.steps(), finalOutput.toHex(),
        finalOutput.equals(honest.outputHash()), paidTo, Tokens.format(fee));
  }

  /** Who the JobFinalized event paid: the operator, or the challenger that won the dispute. */
  private String paidTo(Settlement s, BigInteger jobId) {
    return s.events().read(0, s.blockNumber()).stream()
        .filter(e -> e instanceof SettlementEvent.JobFinalized f && f.jobId().equals(jobId))
        .map(e -> name(((SettlementEvent.JobFinalized) e).paidTo()))
        .reduce((a, b) -> b).orElse("nobody");
  }

  private static final class OperatorCrashed extends RuntimeException {
    OperatorCrashed() {
      super(null, null, false, false);
    }
  }

  private static ResultCommitment commitment(HashChainProgram.Run r) {
    return new ResultCommitment(r.outputHash(), r.finalStateHash(), r.steps(), r.checkpointRoot());
  }

  /** Disperses {@code data} to the DA nodes; the certificate is checked and recorded by BlobRegistry onchain. */
  private Bytes32 put(Narrator n, String who, String what, byte[] data) {
    DaCertificate cert = da.put(data);
    daPuts++;
    n.say("%s wrote the %s to DA: blob %s, signed by %d DA nodes, certificate registered onchain",
        who, what, abbrev(cert.blobKey()), cert.signatures().size());
    return cert.blobKey();
  }

  private byte[] get(Bytes32 blobKey) {
    daGets++;
    return da.get(blobKey);
  }

  /** Re-executors take the input from DA by the key the job names, and check it against the job's digest. */
  private byte[] inputFromDa(JobInfo job) {
    byte[] input = get(job.inputBlobKey());
    if (!Hashes.keccak256(input).equals(job.inputDigest())) {
      throw new IllegalStateException("the input on DA does not match the job's input digest");
    }
    return input;
  }

  /** A checkpoint on DA: step (8 bytes, big-endian) then the 32-byte state. */
  private static byte[] encode(HashChainProgram.Checkpoint c) {
    return java.nio.ByteBuffer.allocate(40).putLong(c.step()).put(c.state().bytes()).array();
  }

  private static HashChainProgram.Checkpoint decode(byte[] b) {
    if (b.length != 40) {
      throw new IllegalStateException("a checkpoint blob has 40 bytes, this one " + b.length);
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
    long step = buf.getLong();
    byte[] state = new byte[32];
    buf.get(state);
    return new HashChainProgram.Checkpoint(step, new Bytes32(state));
  }

  private static Settlement byAddress(List<Settlement> ops, Address a) {
    return ops.stream().filter(s -> s.account().equals(a)).findFirst()
        .orElseThrow(() -> new IllegalStateException("job assigned to an unknown operator " + a));
  }

  private Map<Address, BigInteger> stakes(Settlement s) {
    Map<Address, BigInteger> m = new LinkedHashMap<>();
    for (Address a : names.keySet()) {
      var o = s.operator(a);
      if (o.registered()) {
        m.put(a, o.stake().add(o.pendingWithdrawal()));
      }
    }
    return m;
  }

  private static String abbrev(Bytes32 b) {
    String h = b.toHex();
    return h.substring(0, 10) + "…" + h.substring(h.length() - 4);
  }

  private void print(DemoReport r, Narrator n) {
    n.phase("Summary");
    PrintWriter out = n.out();
    StringWriter table = new StringWriter();
    PrintWriter t = new PrintWriter(table);
    t.printf("      %-4s %-44s %-10s %-12s %-25s %9s  %-12s %s%n", "job", "story", "status", "assigned", "fee paid to", "steps", "output", "= uninterrupted run");
    for (DemoReport.JobLine j : r.jobs()) {
      t.printf("      %-4s %-44s %-10s %-12s %-25s %,9d  %-12s %s%n", j.jobId(), j.story(), j.status(), j.assignedFirst(), j.paidTo(),
          j.steps(), j.outputHash().substring(0, 12), j.matchesUninterruptedRun() ? "yes" : "NO");
    }
    t.printf("%n      slashes caused%n      %-12s %-9s %-14s %-14s %-14s %s%n", "operator", "reason", "slashed", "to", "reward", "burned");
    for (DemoReport.SlashLine s : r.slashes()) {
      t.printf("      %-12s %-9s %-14s %-14s %-14s %s%n", s.operator(), s.reason(), s.amount(), s.beneficiary(), s.reward(), s.burned());
    }
    t.printf("%n      stake        %-14s -> %s%n", "before", "after");
    for (DemoReport.StakeLine s : r.stakes()) {
      t.printf("      %-12s %-14s -> %s%n", s.name(), s.before(), s.after());
    }
    t.printf("%n      gas per call (this round)%n");
    r.gas().forEach((k, v) -> t.printf("      %-28s %3d x  avg %,9d  max %,9d%n", k, v.calls(), v.avgGas(), v.maxGas()));
    t.printf("%n      DA: %d blobs written (inputs, checkpoints), %d read back and verified%n", r.daBlobsWritten(), r.daBlobsRead());
    t.printf("%n      round took %.1f s (%.1f s since start)%n", r.seconds(), n.seconds());
    t.flush();
    out.print(table);
    out.flush();
    if (r.jobs().stream().anyMatch(j -> !j.matchesUninterruptedRun() || !j.status().equals(JobStatus.FINALIZED.name()))) {
      throw new IllegalStateException("the demo round ended in an unexpected state; see the table above");
    }
  }
}
