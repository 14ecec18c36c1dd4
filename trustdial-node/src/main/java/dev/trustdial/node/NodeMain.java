package dev.trustdial.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.node.config.NodeConfig;
import dev.trustdial.node.operator.OperatorNode;
import dev.trustdial.node.watchtower.Watchtower;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one node until the process is stopped: {@code NodeMain operator CONFIG [--lie]} or
 * {@code NodeMain watchtower CONFIG [--false-challenge]}. Prints {@code listening PORT account ADDR}
 * once it serves /health; the CLI commands and the process ITs start nodes this way.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: NodeMain operator|watchtower CONFIG [--lie|--false-challenge]");
      System.exit(2);
    }
    List<String> flags = List.of(args).subList(2, args.length);
    RunningNode node;
    try {
      node = start(args[0], NodeConfig.read(Path.of(args[1])), flags);
    } catch (InvalidInputException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("listening " + node.httpPort() + " account " + node.account());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  public static RunningNode start(String role, NodeConfig config, List<String> flags) {
    for (String f : flags) {
      if (!f.equals("--lie") && !f.equals("--false-challenge") && !f.equals("--stall-proving")) {
        throw new InvalidInputException("unknown flag " + f);
      }
    }
    return switch (role) {
      case "operator" -> {
        if (flags.contains("--false-challenge")) {
          throw new InvalidInputException("--false-challenge is a watchtower flag");
        }
        yield RunningNode.operator(config, new OperatorNode.Faults(flags.contains("--lie"), flags.contains("--stall-proving")));
      }
      case "watchtower" -> {
        if (flags.contains("--lie") || flags.contains("--stall-proving")) {
          throw new InvalidInputException("--lie and --stall-proving are operator flags");
        }
        yield RunningNode.watchtower(config, new Watchtower.Faults(flags.contains("--false-challenge")));
      }
      default -> throw new InvalidInputException("unknown node role '" + role + "'; operator or watchtower");
    };
  }
}
