package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.crypto.Address;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "withdraw",
    description =
        "Complete the --as account's queued withdrawal from OPERATOR: the tokens (less any slash since) come back.")
final class ChainWithdrawCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "OPERATOR", description = "An address or a devnet account name.")
  String operator;

  @Override
  public Integer call() {
    Address op = devnet.resolve(operator);
    try (Settlement s = devnet.connect()) {
      BigInteger before = s.balanceOf(s.account());
      PrintWriter out = spec.commandLine().getOut();
      ChainCommand.printTx(out, s.completeWithdrawal(op));
      out.println("withdrew " + Tokens.format(s.balanceOf(s.account()).subtract(before)));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
