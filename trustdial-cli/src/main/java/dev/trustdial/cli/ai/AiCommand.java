package dev.trustdial.cli.ai;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trustdial ai}: the deterministic inference server and receipt verification. */
@Command(
    name = "ai",
    mixinStandardHelpOptions = true,
    description =
        "Serve an OpenAI-compatible API with signed, re-executable receipts; verify receipts.",
    subcommands = {AiServeCommand.class, AiVerifyCommand.class})
public final class AiCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
