package dev.trustdial.cli.demo;

import java.util.List;
import java.util.Map;

/** What the demo did, for {@code --json} and for the tests that check it. */
public record DemoReport(
    String rpcUrl,
    String program,
    List<JobLine> jobs,
    List<SlashLine> slashes,
    List<StakeLine> stakes,
    Map<String, GasLine> gas,
    Map<String, Double> timings,
    int daCertificates,
    double seconds) {

  /** One job: who got it first, who finished it, what it computed and whether that equals an uninterrupted run. */
  public record JobLine(String jobId, String story, String status, String assignedFirst, String finishedBy,
      long steps, String outputHash, String checkpointRoot, boolean matchesUninterruptedRun, String paidTo, String fee,
      double seconds) {}

  /** A slash: how it split between the operator's own stake and its delegators', who was paid and what was burned. */
  public record SlashLine(String operator, String reason, String amount, String fromOperator, String fromDelegators, String paidTo,
      String reward, String burned) {}

  /** An operator's (or the watchtower's) own and delegated active stake before and after the demo, and what it re-staked. */
  public record StakeLine(String name, String address, String ownBefore, String delegatedBefore, String deposited, String ownAfter,
      String delegatedAfter) {}

  /** Gas of every transaction of one function (Contract.function) over the demo's blocks. */
  public record GasLine(int calls, long avgGas, long maxGas) {}
}
