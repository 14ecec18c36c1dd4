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

  public record SlashLine(String operator, String reason, String amount, String beneficiary, String reward, String burned) {}

  public record StakeLine(String name, String address, String before, String deposited, String after) {}

  /** Gas of every transaction of one function (Contract.function) over the demo's blocks. */
  public record GasLine(int calls, long avgGas, long maxGas) {}
}
