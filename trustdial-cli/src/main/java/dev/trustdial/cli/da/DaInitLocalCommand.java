package dev.trustdial.cli.da;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.node.DaNodeConfigFile;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial da init-local}: write node configs and an operator set for a chain-less local
 * network.
 */
@Command(
    name = "init-local",
    mixinStandardHelpOptions = true,
    description =
        "Write configs for N local DA nodes (fresh keys, equal stake) and their operator set file.")
public final class DaInitLocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      defaultValue = "4",
      description = "Number of nodes, default: ${DEFAULT-VALUE}.")
  int nodes;

  @Option(
      names = "--base-port",
      defaultValue = "7101",
      description = "Port of the first node, default: ${DEFAULT-VALUE}.")
  int basePort;

  @Option(
      names = "--dir",
      defaultValue = ".trustdial/da",
      description = "Output directory, default: ${DEFAULT-VALUE}.")
  Path dir;

  @Override
  public Integer call() throws IOException {
    if (nodes < 1 || nodes > 128) {
      throw new InvalidInputException("--nodes must be 1..128, got " + nodes);
    }
    if (basePort < 1024 || basePort + nodes > 65535) {
      throw new InvalidInputException(
          "--base-port must leave room for " + nodes + " ports in 1024..65535");
    }
    Files.createDirectories(dir);
    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      Secp256k1Key key = Secp256k1Key.generate();
      int port = basePort + i;
      ops.add(
          new Operator(
              key.address(), BigInteger.valueOf(1000), URI.create("http://127.0.0.1:" + port)));
      Path cfg = dir.resolve("node" + i + ".json");
      Files.writeString(
          cfg,
          Json.writePretty(
              DaNodeConfigFile.fixedSet(
                  key.privateKeyHex(),
                  "127.0.0.1",
                  port,
                  "node" + i + "-data",
                  "operators.json",
                  60,
                  2_592_000)));
      spec.commandLine().getOut().println("wrote " + cfg);
    }
    OperatorSetFile.write(new OperatorSet(0, ops), dir.resolve("operators.json"));
    spec.commandLine().getOut().println("wrote " + dir.resolve("operators.json"));
    return 0;
  }
}
