package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "deregister",
    description =
        "Take the --as operator out of the operator set (no open obligations allowed); its stakers can then withdraw everything.")
final class ChainDeregisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Override
  public Integer call() {
    try (Settlement s = devnet.connect()) {
      ChainCommand.printTx(spec.commandLine().getOut(), s.deregister());
    }
    return ExitCodes.OK;
  }
}
