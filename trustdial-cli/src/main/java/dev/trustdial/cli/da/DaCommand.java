package dev.trustdial.cli.da;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trustdial da}: store and retrieve blobs on the data-availability layer. */
@Command(
    name = "da",
    mixinStandardHelpOptions = true,
    description =
        "Store and retrieve blobs on the DA layer (KZG-committed, erasure-coded, certified).",
    subcommands = {
      DaPutCommand.class,
      DaGetCommand.class,
      DaProxyCommand.class,
      DaInitLocalCommand.class
    })
public final class DaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
