package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.id;
import static dev.trustdial.cli.chain.ChainCommand.printJson;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "job", description = "Show a job.")
final class ChainJobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  @Option(names = "--json")
  boolean json;

  @Override
  public Integer call() {
    BigInteger id = id(jobId, "job id");
    try (Settlement s = devnet.connect()) {
      var j = s.job(id);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        printJson(out, j);
      } else {
        out.printf("job %s (app %s): %s%n", j.jobId(), j.appId(), j.status());
        if (j.status() == dev.trustdial.chain.JobStatus.QUEUED) {
          out.printf(
              "  queued      attempt %d, seed block %d, stake snapshot at block %d%n",
              j.attempt(), j.seedBlock(), j.snapshotBlock());
        } else {
          out.printf(
              "  assignee    %s (attempt %d, deadline %d)%n",
              j.assignee(), j.attempt(), j.deadline());
        }
        out.printf(
            "  last step   %,d (state %s, checkpoint %s)%n  fee         %s (+ %s deposit), expires at %d%n",
            j.lastStep(),
            j.lastStateHash(),
            j.lastCheckpointBlobKey(),
            Tokens.format(j.fee()),
            Tokens.format(j.deposit()),
            j.expiresAt());
        if (j.openDisputes() > 0) {
          out.printf("  disputes    %d open%n", j.openDisputes());
        }
        j.result()
            .ifPresent(r ->
                out.printf(
                    "  result      output %s (DA blob %s), %,d steps, checkpoint root %s%n",
                    r.outputHash(), j.outputBlobKey(), r.stepCount(), r.checkpointRoot()));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }
}
