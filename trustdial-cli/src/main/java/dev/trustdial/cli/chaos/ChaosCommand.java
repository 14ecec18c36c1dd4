package dev.trustdial.cli.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.ProjectFiles;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial chaos}: seeded faults on the real processes of a running devnet while a stream
 * of jobs runs, then the protocol's invariants checked from the chain (docs/SIMULATION.md).
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Inject faults drawn from a seed into a running devnet's real processes (SIGKILL and restart, SIGSTOP/SIGCONT,",
      "a DA node down and back, a liar, a false challenger) while jobs are submitted; then check from the chain's",
      "events that every job finished or failed with an onchain reason, every lie was caught and its liar slashed,",
      "and no honest operator was slashed. Exit 0: all invariants hold; 1: one failed; 2: bad arguments.",
      "The same seed gives the same fault plan; the real processes' timing varies from run to run."
    })
public final class ChaosCommand implements Callable<Integer> {
  static final int MAX_MINUTES = 120;
  static final int MAX_DRAIN_SECONDS = 600;
  static final BigInteger FEE = Tokens.of(1);

  /** How long a liar's fault waits for the disputes of its lies to be decided. */
  static final long DECISION_WAIT_SECONDS = 150;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--devnet",
      required = true,
      paramLabel = "DIR",
      description = "Directory of a running devnet ('trustdial devnet up --dir DIR').")
  Path devnet;

  @Option(
      names = "--seed",
      required = true,
      paramLabel = "S",
      description = "The seed (a long) the fault plan and the jobs are drawn from.")
  long seed;

  @Option(
      names = "--minutes",
      required = true,
      paramLabel = "M",
      description = "Minutes of faults and jobs, 1.." + MAX_MINUTES + "; then the run drains.")
  int minutes;

  @Option(
      names = "--drain-seconds",
      defaultValue = "180",
      paramLabel = "N",
      description =
          "At most this long, 0.."
              + MAX_DRAIN_SECONDS
              + ", after the faults for the open jobs to end (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--json", description = "Print the report as JSON (the story goes to stderr).")
  boolean json;

  private PrintWriter story;
  private long t0;

  @Override
  public Integer call() throws IOException {
    if (minutes < 1 || minutes > MAX_MINUTES) {
      throw new InvalidInputException(
          "--minutes must be within 1.." + MAX_MINUTES + ", got " + minutes);
    }
    if (drainSeconds < 0 || drainSeconds > MAX_DRAIN_SECONDS) {
      throw new InvalidInputException(
          "--drain-seconds must be within 0.." + MAX_DRAIN_SECONDS + ", got " + drainSeconds);
    }
    if (!Files.isDirectory(devnet)) {
      throw new InvalidInputException(
          "--devnet "
              + devnet
              + " is not a directory; start a devnet with 'trustdial devnet up --dir "
              + devnet
              + "'");
    }
    DevnetDescriptor d = DevnetDescriptor.read(devnet);
    boolean chainUp;
    try (HttpClient http = HttpClient.newHttpClient()) {
      chainUp = Anvil.isResponding(http, d.rpcUrl());
    }
    if (!chainUp) {
      throw new InvalidInputException(
          "the devnet in "
              + devnet
              + " is not running: its chain at "
              + d.rpcUrl()
              + " does not answer");
    }
    FaultPlan.Shape shapeWithoutWindow = shape(d, 0);
    if (shapeWithoutWindow.operators().isEmpty()) {
      throw new InvalidInputException(
          "the devnet in "
              + devnet
              + " runs no operator: no one would run the jobs (devnet up --operators 1..3)");
    }
    Path guest =
        ProjectFiles.find(
            "trustdial-vm/target/guest/sha256chain.elf",
            "the chaos jobs' guest sha256chain.elf",
            "run ./trustdial build (trustdial-vm/setup.sh builds the guests)");
    byte[] elf = Files.readAllBytes(guest);
    story = json ? spec.commandLine().getErr() : spec.commandLine().getOut();

    Map<Address, String> names = new java.util.HashMap<>();
    d.accounts().forEach(a -> names.put(Address.parse(a.address()), a.name()));
    DevnetProcesses procs = new DevnetProcesses(devnet);
    Thread hook = new Thread(procs::resumeAll, "chaos-resume");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Settlement reader = connect(d, "deployer");
        Settlement developer = connect(d, "developer")) {
      long window = reader.params().heartbeatWindowSeconds();
      FaultPlan plan = FaultPlan.draw(seed, minutes, shape(d, window));
      plan.describe().forEach(story::println);
      story.printf(
          "  jobs: the sha256chain guest, %,d..%,d iterations (seeded), one every 2-6 s while fewer than %d are open, fee %s%n",
          JobStream.MIN_ITERATIONS,
          JobStream.MAX_ITERATIONS,
          JobStream.MAX_OPEN,
          Tokens.format(FEE));
      story.flush();
      long startBlock = reader.blockNumber();
      t0 = System.nanoTime();
      try (DaClient da =
              DaClient.onChain(
                  ChainConfig.read(devnet.resolve(DevnetDescriptor.FILE)),
                  Secp256k1Key.fromPrivateKeyHex(d.account("developer").privateKey()),
                  Devnet.DA_THRESHOLD_BPS,
                  Duration.ofDays(7));
          JobStream jobs = JobStream.open(elf, developer, da, seed)) {
        say(
            "app %s: the sha256chain guest (%,d bytes) on DA, REEXEC_INTERSUBJECTIVE",
            jobs.appId(), elf.length);
        List<ChaosAudit.Injected> injected = new CopyOnWriteArrayList<>();
        List<String> harness = new CopyOnWriteArrayList<>();
        List<BigInteger> submitted = new CopyOnWriteArrayList<>();
        long horizon = t0 + minutes * 60_000_000_000L;
        Map<String, ReentrantLock> targets = new ConcurrentHashMap<>();
        List<Thread> lanes = new ArrayList<>();
        for (FaultPlan.Lane lane : plan.lanes()) {
          lanes.add(
              Thread.ofVirtual()
                  .name("chaos-" + lane.name())
                  .start(
                      () -> runLane(lane, d, procs, names, targets, injected, harness, horizon)));
        }
        Thread stream =
            Thread.ofVirtual()
                .name("chaos-jobs")
                .start(() -> runJobs(jobs, developer, submitted, harness, horizon));
        join(stream);
        lanes.forEach(ChaosCommand::join);
        say("the %d minute(s) of faults are over; every process runs, honest, again", minutes);
        procs.restoreAll(s -> say("%s", s));
        drain(reader, submitted);

        long endBlock = reader.blockNumber();
        List<SettlementEvent> events = new ArrayList<>();
        for (long from = startBlock; from <= endBlock; from += 2000) {
          events.addAll(reader.events(from, Math.min(endBlock, from + 1999)));
        }
        Map<BigInteger, JobInfo> infos = new TreeMap<>();
        for (SettlementEvent e : events) {
          if (e instanceof SettlementEvent.JobSubmitted s && s.appId().equals(jobs.appId())) {
            infos.put(s.jobId(), reader.job(s.jobId()));
          }
        }
        Map<BigInteger, ResultCommitment> refs = jobs.references();
        ChaosAudit.Result audit =
            ChaosAudit.check(
                events,
                jobs.appId(),
                refs,
                infos,
                reader.chainTime(),
                2 * window,
                List.copyOf(injected),
                names);
        List<String> violations = new ArrayList<>(audit.violations());
        harness.forEach(h -> violations.add("fault injection failed: " + h));
        ChaosReport report =
            new ChaosReport(
                seed,
                minutes,
                devnet.toAbsolutePath().toString(),
                Math.round((System.nanoTime() - t0) / 1e8) / 10.0,
                startBlock,
                endBlock,
                plan.counts(),
                ChaosAudit.counts(injected),
                injected.stream()
                    .map(i ->
                        i.kind().label()
                            + " "
                            + i.target()
                            + ": "
                            + i.outcome()
                            + " (blocks "
                            + i.fromBlock()
                            + ".."
                            + i.toBlock()
                            + ")")
                    .toList(),
                audit,
                violations,
                reproduce());
        print(report);
        return violations.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    } finally {
      procs.restoreAll(s -> story.println("  " + s));
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs already.
      }
    }
  }

  /** The run's report: the table's figures, the invariants that failed, how to replay it. */
  public record ChaosReport(
      long seed,
      int minutes,
      String devnet,
      double wallSeconds,
      long fromBlock,
      long toBlock,
      Map<Fault.Kind, Integer> planned,
      Map<Fault.Kind, Integer> injected,
      List<String> faults,
      ChaosAudit.Result audit,
      List<String> violations,
      String reproduce) {}

  private String reproduce() {
    return "trustdial chaos --devnet " + devnet + " --seed " + seed + " --minutes " + minutes;
  }

  private static FaultPlan.Shape shape(DevnetDescriptor d, long window) {
    List<String> ops = new ArrayList<>();
    List<String> das = new ArrayList<>();
    List<String> wts = new ArrayList<>();
    for (DevnetDescriptor.ProcessEntry p : d.processes()) {
      if (p.live().isEmpty()) {
        continue;
      }
      if (p.name().startsWith("operator-")) {
        ops.add(p.name());
      } else if (p.name().startsWith("da-node-")) {
        das.add(p.name());
      } else if (p.name().startsWith("watchtower-")) {
        wts.add(p.name());
      }
    }
    Collections.sort(ops);
    Collections.sort(das);
    Collections.sort(wts);
    return new FaultPlan.Shape(ops, das, wts, window);
  }

  private static Settlement connect(DevnetDescriptor d, String account) {
    return Settlement.connect(
        d.rpcUrl(),
        d.deployment(),
        Secp256k1Key.fromPrivateKeyHex(d.account(account).privateKey()));
  }

  private void runLane(
      FaultPlan.Lane lane,
      DevnetDescriptor d,
      DevnetProcesses procs,
      Map<Address, String> names,
      Map<String, ReentrantLock> targets,
      List<ChaosAudit.Injected> injected,
      List<String> harness,
      long horizon) {
    try (Settlement reader = connect(d, "deployer")) {
      for (Fault f : lane.faults()) {
        sleepUntil(t0 + f.notBeforeSeconds() * 1_000_000_000L);
        // Every planned fault is due within the minutes; one delayed by a busy lane or lock still
        // runs, unless the run is already far past its minutes.
        long overrun = Math.max(120, minutes * 60L) * 1_000_000_000L;
        if (System.nanoTime() >= horizon + overrun) {
          say(
              "lane %s: the run is %d s past its minutes; %s is not started",
              lane.name(), overrun / 1_000_000_000L, f.describe());
          return;
        }
        // Crashes and the liar take one lock: with the liar and another operator down, the honest
        // verifier stake left could miss the vote's quorum (3 operators on the devnet).
        String key =
            switch (f) {
              case Fault.Kill _, Fault.Stall _, Fault.Liar _ -> "operators";
              default -> f.target();
            };
        ReentrantLock lock = targets.computeIfAbsent(key, k -> new ReentrantLock(true));
        lock.lock();
        try {
          long from = reader.blockNumber();
          String outcome = inject(f, d, procs, reader);
          injected.add(
              new ChaosAudit.Injected(f.kind(), f.target(), from, reader.blockNumber(), outcome));
        } catch (RuntimeException e) {
          harness.add(f.describe() + ": " + e.getMessage());
          say("could not %s: %s", f.describe(), e.getMessage());
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Does one fault to the real process and returns what came of it. */
  private String inject(Fault f, DevnetDescriptor d, DevnetProcesses procs, Settlement reader) {
    String t = f.target();
    switch (f) {
      case Fault.Kill k -> {
        procs.kill(t, procs.config(t));
        say("SIGKILL %s; it stays dead %d s", t, k.downSeconds());
        sleep(k.downSeconds());
        procs.restart(t, List.of());
        say("%s restarted on its data dir", t);
        return "killed, restarted after " + k.downSeconds() + " s";
      }
      case Fault.Stall s -> {
        procs.pause(t);
        say(
            "SIGSTOP %s for %d s%s",
            t, s.stallSeconds(), s.pastWindow() ? " (past its heartbeat window)" : "");
        sleep(s.stallSeconds());
        procs.resume(t);
        say("SIGCONT %s", t);
        return "stalled " + s.stallSeconds() + " s";
      }
      case Fault.DaDown x -> {
        Address a = Address.parse(d.account(t).address());
        int port = URI.create(reader.operator(a).endpoint()).getPort();
        procs.kill(t, procs.daConfigOnPort(t, port));
        say("SIGKILL %s (DA); it stays down %d s", t, x.downSeconds());
        sleep(x.downSeconds());
        procs.restart(t, List.of());
        say("%s back on port %d", t, port);
        return "down " + x.downSeconds() + " s";
      }
      case Fault.Liar l -> {
        Address liar = Address.parse(d.account(t).address());
        procs.stop(t);
        procs.restart(t, List.of("--lie"));
        long from = reader.blockNumber();
        say("%s restarted with the test-only --lie fault (block %d)", t, from);
        long until = System.nanoTime() + l.maxSeconds() * 1_000_000_000L;
        String outcome = "no result to lie about within " + l.maxSeconds() + " s";
        while (System.nanoTime() < until) {
          sleep(2);
          var posted =
              reader.events(from, reader.blockNumber()).stream()
                  .filter(e ->
                      e instanceof SettlementEvent.ResultSubmitted r && r.operator().equals(liar))
                  .map(e -> (SettlementEvent.ResultSubmitted) e)
                  .findFirst();
          if (posted.isPresent()) {
            outcome = "posted a result for job " + posted.get().jobId() + " while lying";
            say(
                "%s posted its result for job %s (a lie, the watchtower should say)",
                t, posted.get().jobId());
            break;
          }
        }
        procs.stop(t);
        procs.restart(t, List.of());
        say("%s restarted honest", t);
        // The crash lane waits until every result the liar posted is decided: intersubjective
        // safety assumes an honest quorum of verifier stake votes, and chaos tests the code, not
        // the trust model's stated limit (docs/SIMULATION.md).
        List<BigInteger> lied =
            reader.events(from, reader.blockNumber()).stream()
                .filter(e ->
                    e instanceof SettlementEvent.ResultSubmitted r && r.operator().equals(liar))
                .map(e -> ((SettlementEvent.ResultSubmitted) e).jobId())
                .distinct()
                .toList();
        long decided = System.nanoTime() + DECISION_WAIT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < decided
            && lied.stream().anyMatch(id -> !reader.job(id).status().isFinal())) {
          sleep(2);
        }
        return outcome;
      }
      case Fault.FalseChallenger c -> {
        procs.stop(t);
        procs.restart(t, List.of("--false-challenge"));
        say(
            "%s restarted with --false-challenge: it disputes correct results for %d s",
            t, c.windowSeconds());
        sleep(c.windowSeconds());
        procs.stop(t);
        procs.restart(t, List.of());
        say("%s restarted honest", t);
        return "false-challenged for " + c.windowSeconds() + " s";
      }
    }
  }

  private void runJobs(
      JobStream jobs,
      Settlement developer,
      List<BigInteger> submitted,
      List<String> harness,
      long horizon) {
    while (System.nanoTime() < horizon) {
      byte[] input = jobs.nextInput();
      long gap = jobs.nextGapSeconds();
      while (open(developer, submitted) >= JobStream.MAX_OPEN && System.nanoTime() < horizon) {
        sleep(1);
      }
      if (System.nanoTime() >= horizon) {
        return;
      }
      try {
        BigInteger id = jobs.submit(input, FEE);
        submitted.add(id);
        say("job %s submitted", id);
      } catch (RuntimeException e) {
        // A submission may fail while a DA node is down or the chain is busy: the run goes on.
        say("a job submission failed: %s", e.getMessage());
      }
      sleep(gap);
    }
  }

  private static long open(Settlement s, List<BigInteger> ids) {
    return ids.stream().filter(id -> !s.job(id).status().isFinal()).count();
  }

  private void drain(Settlement reader, List<BigInteger> submitted) {
    long until = System.nanoTime() + drainSeconds * 1_000_000_000L;
    long lastSaid = 0;
    while (System.nanoTime() < until) {
      long open = open(reader, submitted);
      if (open == 0) {
        say("every job has ended");
        return;
      }
      if (System.nanoTime() - lastSaid > 15_000_000_000L) {
        say("draining: %d of %d job(s) still open", open, submitted.size());
        lastSaid = System.nanoTime();
      }
      sleep(3);
    }
    say("drain time over (%d s); open jobs are judged as still running", drainSeconds);
  }

  private void print(ChaosReport r) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
      out.flush();
      return;
    }
    ChaosAudit.Result a = r.audit();
    out.println();
    out.printf(
        "chaos run: seed %d, %d minute(s), blocks %d..%d, %.1f s wall%n",
        r.seed(), r.minutes(), r.fromBlock(), r.toBlock(), r.wallSeconds());
    out.printf("  %-32s %8s %8s%n", "fault", "planned", "injected");
    for (Fault.Kind k : Fault.Kind.values()) {
      out.printf("  %-32s %8d %8d%n", k.label(), r.planned().get(k), r.injected().get(k));
    }
    out.printf("  %-32s %8d%n", "jobs submitted", a.jobsSubmitted());
    out.printf("  %-32s %8d%n", "jobs finalized", a.jobsFinalized());
    out.printf(
        "  %-32s %8d %s%n",
        "jobs failed (onchain reason)",
        a.jobsFailed().values().stream().mapToInt(Integer::intValue).sum(),
        a.jobsFailed().isEmpty() ? "" : a.jobsFailed().toString());
    out.printf("  %-32s %8d%n", "jobs still running", a.jobsRunning());
    out.printf("  %-32s %8d%n", "lies posted", a.liesPosted());
    out.printf("  %-32s %8d%n", "lies caught (liar slashed)", a.liesCaught());
    out.printf("  %-32s %8d%n", "lies still in dispute", a.liesPending());
    out.printf("  %-32s %8d%n", "false challenges", a.falseChallenges());
    out.printf("  %-32s %8d%n", "false challenges rejected", a.falseChallengesRejected());
    out.printf(
        "  %-32s %8d %s%n",
        "slashes",
        a.slashes().values().stream().mapToInt(Integer::intValue).sum(),
        a.slashes().isEmpty() ? "" : a.slashes().toString());
    out.printf("  %-32s %8d%n", "wrong slashes", a.wrongSlashes());
    if (r.violations().isEmpty()) {
      out.println("all invariants hold");
    } else {
      out.println("INVARIANTS VIOLATED:");
      r.violations().forEach(v -> out.println("  " + v));
    }
    out.println("reproduce: " + r.reproduce() + "   (same fault plan; process timing varies)");
    out.flush();
  }

  private synchronized void say(String format, Object... args) {
    story.printf("[%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, String.format(format, args));
    story.flush();
  }

  private static void sleep(long seconds) {
    try {
      Thread.sleep(Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      try {
        Thread.sleep(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
