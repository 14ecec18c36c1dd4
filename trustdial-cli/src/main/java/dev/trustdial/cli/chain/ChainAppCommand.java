package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.id;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "app", description = "Show an app.")
final class ChainAppCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "APP_ID")
  String appId;

  @Override
  public Integer call() {
    BigInteger id = id(appId, "app id");
    try (Settlement s = devnet.connect()) {
      var a = s.app(id);
      spec.commandLine()
          .getOut()
          .printf(
              "app %s%n  owner    %s%n  mode     %s%n  digest   %s%n  version  %d%n",
              a.appId(), a.owner(), a.mode(), a.programDigest(), a.version());
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
