package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.printTx;
import static dev.trustdial.cli.chain.ChainCommand.tokens;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "stake",
    description = "Deposit AMOUNT TDS more of the --as operator's own stake into its pool.")
final class ChainStakeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "AMOUNT", description = "TDS to stake, e.g. 1000 or 0.5.")
  String amount;

  @Override
  public Integer call() {
    BigInteger wei = tokens(amount, "stake");
    try (Settlement s = devnet.connect()) {
      printTx(spec.commandLine().getOut(), s.deposit(wei));
    }
    return ExitCodes.OK;
  }
}
