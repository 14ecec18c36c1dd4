package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.id;
import static dev.trustdial.cli.chain.ChainCommand.printTx;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "assign",
    description =
        "Assign a queued job once its seed block is mined (anyone may; the nodes do it as keepers).")
public final class ChainAssignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  /** Waits (at most 60 s) for the seed block, then assigns the job unless someone else did. */
  public static void assignWhenDue(Settlement s, BigInteger id, PrintWriter out) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    dev.trustdial.chain.JobInfo j = s.job(id);
    while (j.status() == dev.trustdial.chain.JobStatus.QUEUED && s.blockNumber() <= j.seedBlock()) {
      if (System.nanoTime() > deadline) {
        throw new InvalidInputException(
            "job "
                + id
                + "'s seed block "
                + j.seedBlock()
                + " was not mined within 60 s; is the devnet mining?");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InvalidInputException(
            "interrupted while waiting for job " + id + "'s seed block");
      }
      j = s.job(id);
    }
    if (j.status() == dev.trustdial.chain.JobStatus.QUEUED) {
      try {
        printTx(out, s.assign(id));
      } catch (dev.trustdial.chain.tx.ContractRevertException e) {
        if (!e.errorName().equals("WrongStatus")) {
          throw e;
        }
        // A keeper (a devnet node) assigned it first.
      }
      j = s.job(id);
    }
    out.println(
        j.status() == dev.trustdial.chain.JobStatus.ASSIGNED
            ? "job " + id + " assigned to " + j.assignee() + " (attempt " + j.attempt() + ")"
            : "job " + id + " is " + j.status());
    out.flush();
  }

  @Override
  public Integer call() {
    BigInteger id = id(jobId, "job id");
    try (Settlement s = devnet.connect()) {
      var j = s.job(id);
      if (j.status() != dev.trustdial.chain.JobStatus.QUEUED) {
        throw new InvalidInputException("job " + id + " is " + j.status() + ", not queued");
      }
      assignWhenDue(s, id, spec.commandLine().getOut());
    }
    return ExitCodes.OK;
  }
}
