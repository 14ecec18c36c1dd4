package dev.trustdial.cli.attest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trustdial attest}: TEE attestation evidence. */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = "Verify TEE attestation evidence (Intel TDX, AMD SEV-SNP, AWS Nitro, simulated).",
    subcommands = {
      AttestVerifyCommand.class,
      AttestEnvelopeCommand.class,
      AttestSimInitCommand.class,
      AttestSimulateCommand.class
    })
public final class AttestCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
