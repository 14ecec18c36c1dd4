package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.bytes32;
import static dev.trustdial.cli.chain.ChainCommand.id;
import static dev.trustdial.cli.chain.ChainCommand.printTx;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "heartbeat",
    description = "Post a heartbeat (checkpoint) for a job as its assignee.")
final class ChainHeartbeatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  @Option(names = "--step", required = true)
  long step;

  @Option(names = "--state", required = true, description = "State hash, 0x + 64 hex digits.")
  String state;

  @Option(
      names = "--checkpoint",
      required = true,
      description = "Checkpoint blob key, 0x + 64 hex digits.")
  String checkpoint;

  @Override
  public Integer call() {
    if (step < 0) {
      throw new InvalidInputException("--step must not be negative");
    }
    BigInteger id = id(jobId, "job id");
    try (Settlement s = devnet.connect()) {
      printTx(
          spec.commandLine().getOut(),
          s.heartbeat(id, step, bytes32(state, "--state"), bytes32(checkpoint, "--checkpoint")));
    }
    return ExitCodes.OK;
  }
}
