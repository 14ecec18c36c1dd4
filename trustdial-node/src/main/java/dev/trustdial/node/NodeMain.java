package dev.trustdial.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.node.config.NodeConfig;
import dev.trustdial.node.operator.JobJournal;
import dev.trustdial.node.operator.OperatorNode;
import dev.trustdial.node.watchtower.Watchtower;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one node until the process is stopped: {@code NodeMain operator CONFIG [--lie]
 * [--stall-proving] [--rebuild-journal]} or {@code NodeMain watchtower CONFIG [--false-challenge]}.
 * {@code --rebuild-journal} moves the operator's journal aside (without it a damaged one is refused, exit 2)
 * so that it is rebuilt from the chain. Prints {@code listening PORT account ADDR}
 * once it serves /health; the CLI commands and the process ITs start nodes this way.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: NodeMain operator|watchtower CONFIG [--lie|--stall-proving|--rebuild-journal|--false-challenge]");
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
      if (!f.equals("--lie") && !f.equals("--false-challenge") && !f.equals("--stall-proving") && !f.equals(JobJournal.REBUILD_FLAG)) {
        throw new InvalidInputException("unknown flag " + f);
      }
    }
    return switch (role) {
      case "operator" -> {
        if (flags.contains("--false-challenge")) {
          throw new InvalidInputException("--false-challenge is a watchtower flag");
        }
        if (flags.contains(JobJournal.REBUILD_FLAG)) {
          JobJournal.moveAside(config.dataDir());
        }
        yield RunningNode.operator(config, new OperatorNode.Faults(flags.contains("--lie"), flags.contains("--stall-proving")));
      }
      case "watchtower" -> {
        if (flags.contains("--lie") || flags.contains("--stall-proving") || flags.contains(JobJournal.REBUILD_FLAG)) {
          throw new InvalidInputException("--lie, --stall-proving and " + JobJournal.REBUILD_FLAG + " are operator flags");
        }
        yield RunningNode.watchtower(config, new Watchtower.Faults(flags.contains("--false-challenge")));
      }
      default -> throw new InvalidInputException("unknown node role '" + role + "'; operator or watchtower");
    };
  }
}
