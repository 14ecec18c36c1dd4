package dev.trustdial.cli.demo;

import dev.trustdial.chain.Challenge;
import dev.trustdial.chain.GasLedger;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.Verdict;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.core.crypto.Address;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's closing report: its jobs, slashes and who they paid, stakes before and after, gas per
 * call and timings, as a table for people ({@link #print}) or {@link DemoReport} JSON.
 */
final class DemoSummary {
  private final DemoRun demo;

  DemoSummary(DemoRun demo) {
    this.demo = demo;
  }

  DemoReport report(
      Devnet devnet,
      Settlement owner,
      ChainWatch watch,
      long startBlock,
      Map<Address, OperatorInfo> before,
      List<DemoReport.JobLine> jobs,
      Path program) {
    List<SettlementEvent> events = watch.events();
    List<DemoReport.SlashLine> slashes = new ArrayList<>();
    for (SettlementEvent e : events) {
      if (e instanceof SettlementEvent.Slashed s) {
        BigInteger[] split =
            demo.slashSplits.getOrDefault(
                s.where().txHash() + "/" + s.where().logIndex(),
                new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
        Payout p = payout(owner, s, events);
        slashes.add(
            new DemoReport.SlashLine(
                demo.name(s.operator()),
                s.reason(),
                Tokens.format(s.amount()),
                Tokens.format(split[0]),
                Tokens.format(split[1]),
                p.to(),
                Tokens.format(p.reward()),
                Tokens.format(s.amount().subtract(p.reward()))));
      }
    }
    Map<Address, OperatorInfo> after = demo.stakes(owner);
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
              demo.name(a),
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
        demo.timings,
        demo.objectiveOutcome == null ? null : demo.objectiveOutcome.withGas(courtMoves, courtGas),
        certificates,
        demo.n.seconds());
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
            demo.name(m.reporter()) + " (reporter)",
            JobParams.ofWad(s.amount(), demo.params.reporterShareWad()));
      }
      if (e instanceof SettlementEvent.DisputeResolved r) {
        Challenge c = owner.challengeOf(r.disputeId());
        BigInteger toChallenger =
            r.verdict() == Verdict.CHALLENGER_WINS || r.verdict() == Verdict.OPERATOR_REFUTED
                ? c.bond().min(JobParams.ofWad(s.amount(), demo.params.partyRewardWad()))
                : BigInteger.ZERO;
        if (r.verdict() == Verdict.OPERATOR_REFUTED) {
          // The objective court has no voters: the challenger's reward, the rest burned
          // (JobManager._dropResult).
          return new Payout(
              demo.name(c.challenger()) + " " + Tokens.format(toChallenger) + " (challenger)",
              toChallenger);
        }
        BigInteger toVoters = JobParams.ofWad(s.amount(), demo.params.voterRewardWad());
        return new Payout(
            demo.name(c.challenger())
                + " "
                + Tokens.format(toChallenger)
                + ", voters "
                + Tokens.format(toVoters),
            toChallenger.add(toVoters));
      }
    }
    return new Payout("nobody", BigInteger.ZERO);
  }

  void print(DemoReport r) {
    PrintWriter out = demo.n.out();
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
}
