package dev.trustdial.cli;

import picocli.CommandLine.Command;

/** The top-level {@code trustdial} command. Each subsystem adds its subcommand here. */
@Command(
    name = "trustdial",
    mixinStandardHelpOptions = true,
    version = "trustdial 0.1.0",
    description = "Verifiable offchain compute where the developer chooses the trust model.",
    subcommands = {
      picocli.CommandLine.HelpCommand.class,
      dev.trustdial.cli.da.DaCommand.class,
      dev.trustdial.cli.da.DaNodeCommand.class,
      dev.trustdial.cli.demo.DemoCommand.class,
      dev.trustdial.cli.devnet.DevnetCommand.class,
      dev.trustdial.cli.chain.ChainCommand.class,
      dev.trustdial.cli.attest.AttestCommand.class,
      dev.trustdial.cli.tee.TeeCommand.class,
      dev.trustdial.cli.kms.KmsCommand.class,
      dev.trustdial.cli.zk.ZkCommand.class,
      dev.trustdial.cli.vm.VmCommand.class,
      dev.trustdial.cli.ai.AiCommand.class,
      dev.trustdial.cli.node.OperatorCommand.class,
      dev.trustdial.cli.node.WatchtowerCommand.class,
      dev.trustdial.cli.explorer.ExplorerCommand.class,
      dev.trustdial.cli.sim.SimCommand.class,
      dev.trustdial.cli.chaos.ChaosCommand.class,
    })
public final class TrustdialCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
