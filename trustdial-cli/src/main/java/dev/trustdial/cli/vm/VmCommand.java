package dev.trustdial.cli.vm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial vm}: run RV32IM guest programs on the deterministic VM and prove single steps.
 */
@Command(
    name = "vm",
    mixinStandardHelpOptions = true,
    description =
        "Run RV32IM guests on the deterministic VM (checkpoints, snapshots, step witnesses).",
    subcommands = {VmRunCommand.class, VmWitnessCommand.class})
public final class VmCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
