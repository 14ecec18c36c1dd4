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
 * [--stall-proving] [--lie-at-step N] [--silent-in-game] [--rebuild-journal]} or {@code NodeMain
 * watchtower CONFIG [--false-challenge]}. {@code --rebuild-journal} moves the operator's journal
 * aside (without it a damaged one is refused, exit 2) so that it is rebuilt from the chain. Prints
 * {@code listening PORT account ADDR} once it serves /health; the CLI commands and the process ITs
 * start nodes this way.
 */
public final class NodeMain {
  /**
   * Operator, devnet only: claim REEXEC_OBJECTIVE traces that are wrong from step N on ({@code
   * --lie-at-step N}).
   */
  public static final String LIE_AT_STEP = "--lie-at-step";

  /** Operator, devnet only: never move in an ObjectiveCourt match. */
  public static final String SILENT_IN_GAME = "--silent-in-game";

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: NodeMain operator|watchtower CONFIG [--lie|--stall-proving|--lie-at-step N|--silent-in-game|--rebuild-journal|--false-challenge]");
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
    long lieAtStep = 0;
    List<String> simple = new java.util.ArrayList<>();
    for (int i = 0; i < flags.size(); i++) {
      String f = flags.get(i);
      if (f.equals(LIE_AT_STEP) || f.startsWith(LIE_AT_STEP + "=")) {
        String value =
            f.equals(LIE_AT_STEP)
                ? (i + 1 < flags.size() ? flags.get(++i) : "")
                : f.substring(LIE_AT_STEP.length() + 1);
        try {
          lieAtStep = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(
              LIE_AT_STEP + " needs a step number, got '" + value + "'");
        }
        if (lieAtStep < 1) {
          throw new InvalidInputException(
              LIE_AT_STEP + " needs a step number of at least 1, got " + lieAtStep);
        }
        simple.add(LIE_AT_STEP);
        continue;
      }
      if (!f.equals("--lie")
          && !f.equals("--false-challenge")
          && !f.equals("--stall-proving")
          && !f.equals(SILENT_IN_GAME)
          && !f.equals(JobJournal.REBUILD_FLAG)) {
        throw new InvalidInputException("unknown flag " + f);
      }
      simple.add(f);
    }
    return switch (role) {
      case "operator" -> {
        if (simple.contains("--false-challenge")) {
          throw new InvalidInputException("--false-challenge is a watchtower flag");
        }
        if (simple.contains(JobJournal.REBUILD_FLAG)) {
          JobJournal.moveAside(config.dataDir());
        }
        yield RunningNode.operator(
            config,
            new OperatorNode.Faults(
                simple.contains("--lie"),
                simple.contains("--stall-proving"),
                lieAtStep,
                simple.contains(SILENT_IN_GAME)));
      }
      case "watchtower" -> {
        for (String f :
            List.of(
                "--lie", "--stall-proving", JobJournal.REBUILD_FLAG, LIE_AT_STEP, SILENT_IN_GAME)) {
          if (simple.contains(f)) {
            throw new InvalidInputException(f + " is an operator flag");
          }
        }
        yield RunningNode.watchtower(
            config, new Watchtower.Faults(simple.contains("--false-challenge")));
      }
      default ->
          throw new InvalidInputException(
              "unknown node role '" + role + "'; operator or watchtower");
    };
  }
}
