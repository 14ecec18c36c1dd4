package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "delegate",
    description =
        "Delegate AMOUNT TDS of the --as account's tokens to OPERATOR's pool (a slash of the operator hits it pro rata).")
final class ChainDelegateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(
      index = "0",
      paramLabel = "OPERATOR",
      description = "An address or a devnet account name.")
  String operator;

  @Parameters(index = "1", paramLabel = "AMOUNT", description = "TDS, e.g. 250 or 0.5.")
  String amount;

  @Override
  public Integer call() {
    BigInteger wei = ChainCommand.tokens(amount, "the amount to delegate");
    Address op = devnet.resolve(operator);
    try (Settlement s = devnet.connect()) {
      ChainCommand.printTx(spec.commandLine().getOut(), s.delegate(op, wei));
    }
    return ExitCodes.OK;
  }
}
