package dev.trustdial.cli.chain;

import dev.trustdial.chain.Delegation;
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
    name = "undelegate",
    description =
        "Queue AMOUNT TDS (or 'all') of the --as account's stake with OPERATOR for withdrawal: "
            + "it stops counting at once, stays slashable, and can be withdrawn ('chain withdraw') after the delay once the operator's "
            + "obligations open now have ended.")
final class ChainUndelegateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(
      index = "0",
      paramLabel = "OPERATOR",
      description = "An address or a devnet account name (yourself, for an operator's own stake).")
  String operator;

  @Parameters(index = "1", paramLabel = "AMOUNT", description = "TDS, or 'all'.")
  String amount;

  @Override
  public Integer call() {
    BigInteger wei =
        amount.trim().equalsIgnoreCase("all")
            ? Settlement.ALL
            : ChainCommand.tokens(amount, "the amount to undelegate");
    Address op = devnet.resolve(operator);
    try (Settlement s = devnet.connect()) {
      PrintWriter out = spec.commandLine().getOut();
      ChainCommand.printTx(out, s.queueWithdrawal(op, wei));
      Delegation d = s.delegation(op, s.account());
      out.printf(
          "queued: %s, withdrawable from %d (unix time) once %s's obligations up to #%d have ended%n",
          Tokens.format(d.pendingAmount()), d.availableAt(), op, d.obligationSeq());
      out.flush();
    }
    return ExitCodes.OK;
  }
}
