package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.id;
import static dev.trustdial.cli.chain.ChainCommand.printTx;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command that sends one transaction about one job, given by its id. */
abstract class JobTransaction implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  abstract TxOutcome send(Settlement s, BigInteger jobId);

  @Override
  public Integer call() {
    BigInteger id = id(jobId, "job id");
    try (Settlement s = devnet.connect()) {
      printTx(spec.commandLine().getOut(), send(s, id));
    }
    return ExitCodes.OK;
  }
}
