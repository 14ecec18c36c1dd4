package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.printTx;
import static dev.trustdial.cli.chain.ChainCommand.tokens;

import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "register",
    description =
        "Register the --as account as an operator with --stake TDS of its own (at least the registry's minimum self-stake).")
final class ChainRegisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Option(
      names = "--roles",
      required = true,
      split = ",",
      description = "Comma-separated roles: ${COMPLETION-CANDIDATES}.")
  Set<Role> roles;

  @Option(
      names = "--endpoint",
      defaultValue = "http://127.0.0.1/",
      description = "Operator endpoint URL (at most 256 bytes).")
  String endpoint;

  @Option(
      names = "--stake",
      required = true,
      paramLabel = "AMOUNT",
      description = "TDS of its own to stake, e.g. 1000.")
  String stake;

  @Override
  public Integer call() {
    BigInteger wei = tokens(stake, "--stake");
    if (endpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
      throw new InvalidInputException("--endpoint must be at most 256 bytes");
    }
    try (Settlement s = devnet.connect()) {
      printTx(
          spec.commandLine().getOut(),
          s.register(EnumSet.copyOf(roles), s.account(), endpoint, wei));
    }
    return ExitCodes.OK;
  }
}
