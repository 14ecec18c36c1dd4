package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import java.math.BigInteger;
import picocli.CommandLine.Command;

@Command(
    name = "report-missed",
    description =
        "Report a job whose assignee missed its heartbeat deadline (slashes it, queues the job again).")
final class ChainReportMissedCommand extends JobTransaction {
  @Override
  TxOutcome send(Settlement s, BigInteger jobId) {
    return s.reportMissed(jobId);
  }
}
