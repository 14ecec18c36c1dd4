package dev.trustdial.cli.demo;

import java.util.List;
import java.util.Map;

/** What the demo did, for {@code --json} and for the tests that check it. */
public record DemoReport(
    String rpcUrl,
    List<JobLine> jobs,
    List<SlashLine> slashes,
    List<StakeLine> stakes,
    Map<String, GasLine> gas,
    int daBlobsWritten,
    int daBlobsRead,
    double seconds) {

  public record JobLine(String jobId, String story, String status, String assignedFirst, String finishedBy,
      long steps, String outputHash, boolean matchesUninterruptedRun, String paidTo, String fee) {}

  public record SlashLine(String operator, String reason, String amount, String beneficiary, String reward, String burned) {}

  public record StakeLine(String name, String address, String before, String after) {}

  public record GasLine(int calls, long avgGas, long maxGas) {}
}
