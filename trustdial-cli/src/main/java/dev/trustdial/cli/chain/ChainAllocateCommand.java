package dev.trustdial.cli.chain;

import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "allocate",
    description =
        "Set the fraction of the --as operator's pool that backs ROLE (e.g. 50% or 0.5); "
            + "a lowered allocation stays slashable until the obligations open now have ended.")
final class ChainAllocateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(index = "0", paramLabel = "ROLE", description = "One of COMPUTE, DA, VERIFIER, TEE.")
  String role;

  @Parameters(index = "1", paramLabel = "FRACTION", description = "0..1 or 0%..100%.")
  String fraction;

  @Override
  public Integer call() {
    Role r = Role.parse(ChainCommand.bounded(role, "ROLE"));
    BigInteger wad = ChainCommand.fraction(fraction, "FRACTION");
    try (Settlement s = devnet.connect()) {
      PrintWriter out = spec.commandLine().getOut();
      ChainCommand.printTx(out, s.setAllocation(r, wad));
      out.println(
          r
              + " allocation "
              + ChainCommand.percent(wad)
              + ": weight "
              + Tokens.format(s.weightOf(s.account(), r)));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
