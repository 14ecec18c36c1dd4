package dev.trustdial.cli.sim;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.ProjectFiles;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.sim.Simulation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial sim}: seeded deterministic simulations of the protocol, one seed replayed or
 * many run.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
      "Run the node's real operator and watchtower logic against a simulated chain, DA network and clock, with",
      "faults drawn from a seed (crashes, crashes mid-job, stalls, lost RPC replies, DA outages, liars, a false challenger, sybil challengers, stake withdrawals mid-job, job spam),",
      "checking the protocol's invariants after every event. One seed is one replayable scenario:",
      "  trustdial sim --seed 42          replays seed 42 and prints its event trace when an invariant fails",
      "  trustdial sim --seeds 1000       runs seeds 1..1000 and reports schedules per second"
    })
public final class SimCommand implements Callable<Integer> {
  static final int MAX_SEEDS = 1_000_000;

  @Option(names = "--seed", paramLabel = "S", description = "Replay this one seed.")
  Long seed;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      description = "Run N seeds, from --first-seed on (at most " + MAX_SEEDS + ").")
  Integer seeds;

  @Option(
      names = "--first-seed",
      defaultValue = "1",
      paramLabel = "S",
      description = "The first of --seeds (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Jobs per run (default: the seed's standard scenario, 6).")
  Integer jobs;

  @Option(names = "--operators", paramLabel = "N", description = "Operators per run (default: 4).")
  Integer operators;

  @Option(
      names = "--rpc-fault-rate",
      paramLabel = "P",
      description = "Chance per RPC call of a lost request or reply (default: 0.02).")
  Double rpcFaultRate;

  @Option(
      names = "--objective-jobs",
      paramLabel = "N",
      description =
          "REEXEC_OBJECTIVE jobs per run, besides the others (default: 0, the standard scenario;"
              + " their lies are refuted by the bisection game).")
  Integer objectiveJobs;

  @Option(
      names = "--program",
      paramLabel = "ELF",
      description =
          "The guest every job runs (default: trustdial-vm/target/guest/sha256chain.elf).")
  Path program;

  @Option(
      names = "--trace",
      description = "Print the event trace of every run, not only of failing ones.")
  boolean trace;

  @Option(
      names = "--node-logs",
      description = "Show the simulated nodes' own log lines (off by default: thousands per run).")
  boolean nodeLogs;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((seed == null) == (seeds == null)) {
      throw new InvalidInputException(
          "give exactly one of --seed S (replay one) and --seeds N (run many)");
    }
    if (seeds != null && (seeds < 1 || seeds > MAX_SEEDS)) {
      throw new InvalidInputException("--seeds must be within 1.." + MAX_SEEDS + ", got " + seeds);
    }
    Path guest =
        program != null
            ? program
            : ProjectFiles.find(
                "trustdial-vm/target/guest/sha256chain.elf",
                "the simulation's guest sha256chain.elf",
                "run ./trustdial build (trustdial-vm/setup.sh builds the guests)");
    if (!nodeLogs) {
      // slf4j-simple reads a logger's level when the logger is made: before the node's classes
      // load.
      System.setProperty("org.slf4j.simpleLogger.log.dev.trustdial.node", "off");
    }
    PrintWriter out = spec.commandLine().getOut();
    long first = seed != null ? seed : firstSeed;
    int count = seed != null ? 1 : seeds;
    long t0 = System.nanoTime();
    long events = 0;
    long faults = 0;
    int failed = 0;
    for (int i = 0; i < count; i++) {
      long s = first + i;
      Simulation.Report r = Simulation.run(s, config(s, guest));
      events += r.events();
      faults += r.faults().values().stream().mapToLong(Integer::longValue).sum();
      if (count == 1 || !r.passed() || trace) {
        out.println(r.summary());
      }
      if (!r.passed()) {
        failed++;
        r.violations().forEach(v -> out.println("  violation " + v));
        out.println("  reproduce: ./trustdial sim --seed " + s + scenarioOptions());
      }
      if (!r.passed() || trace) {
        out.println("  trace (last " + r.trace().size() + " events):");
        r.trace().forEach(line -> out.println("    " + line));
      }
      if (count > 1 && (i + 1) % 100 == 0) {
        out.printf("%d/%d seeds run, %d failed%n", i + 1, count, failed);
      }
      out.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf(
        "%d seed(s) run, %d failed; %.2f schedules/s, %.0f events/s, %.1f faults per run, %.1f s%n",
        count, failed, count / seconds, events / seconds, (double) faults / count, seconds);
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** The options that shape a run's scenario, as a reproduction line must repeat them. */
  String scenarioOptions() {
    StringBuilder b = new StringBuilder();
    if (jobs != null) {
      b.append(" --jobs ").append(jobs);
    }
    if (operators != null) {
      b.append(" --operators ").append(operators);
    }
    if (objectiveJobs != null) {
      b.append(" --objective-jobs ").append(objectiveJobs);
    }
    if (rpcFaultRate != null) {
      b.append(" --rpc-fault-rate ").append(rpcFaultRate);
    }
    if (program != null) {
      b.append(" --program ").append(program);
    }
    return b.toString();
  }

  private Simulation.Config config(long s, Path guest) {
    Simulation.Config c = Simulation.Config.standard(guest, new Random(s));
    try {
      return new Simulation.Config(
          operators != null ? operators : c.operators(),
          c.watchtowers(),
          jobs != null ? jobs : c.jobs(),
          Math.min(c.liars(), (operators != null ? operators : c.operators()) - 1),
          c.falseChallenger(),
          rpcFaultRate != null ? rpcFaultRate : c.rpcFaultRate(),
          c.crashes(),
          c.midJobCrashes(),
          c.stalls(),
          c.daOutages(),
          c.spamBursts(),
          c.withdrawals(),
          c.sybils(),
          c.maxClockSkewSeconds(),
          c.horizonSeconds(),
          guest,
          objectiveJobs != null ? objectiveJobs : c.objectiveJobs());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }
}
