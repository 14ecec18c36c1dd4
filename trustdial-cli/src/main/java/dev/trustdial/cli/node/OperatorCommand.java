package dev.trustdial.cli.node;

import dev.trustdial.node.NodeMain;
import dev.trustdial.node.RunningNode;
import dev.trustdial.node.config.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustdial operator --config FILE}: a COMPUTE operator until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description =
        "Run a COMPUTE operator: register and stake, run assigned jobs in the VM, checkpoint to DA, heartbeat, post results.")
public final class OperatorCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Node configuration (JSON; see trustdial-node/README.md).")
  Path config;

  @Option(
      names = "--lie",
      hidden = true,
      description = "Test-only fault: post a wrong output. Refused unless the chain id is 31337.")
  boolean lie;

  @Option(
      names = "--rebuild-journal",
      description =
          "Move the operator's journal aside (kept as state.json.damaged-TIME or .old-TIME) and rebuild it from the chain: "
              + "assigned jobs resume from their onchain checkpoints.")
  boolean rebuildJournal;

  @Option(
      names = "--stall-proving",
      hidden = true,
      description =
          "Test-only fault: hold each ZK job in 'proving' for a minute before the prover runs. Refused unless the chain id is 31337.")
  boolean stallProving;

  @Option(
      names = "--lie-at-step",
      hidden = true,
      paramLabel = "N",
      description =
          "Test-only fault: claim REEXEC_OBJECTIVE traces that are wrong from step N on, and defend them in the game. "
              + "Refused unless the chain id is 31337.")
  Long lieAtStep;

  @Option(
      names = "--silent-in-game",
      hidden = true,
      description =
          "Test-only fault: never move in an ObjectiveCourt match (the clock runs out). Refused unless the chain id is 31337.")
  boolean silentInGame;

  @Override
  public Integer call() throws Exception {
    List<String> flags = new ArrayList<>();
    if (lie) {
      flags.add("--lie");
    }
    if (stallProving) {
      flags.add("--stall-proving");
    }
    if (lieAtStep != null) {
      flags.add(NodeMain.LIE_AT_STEP);
      flags.add(Long.toString(lieAtStep));
    }
    if (silentInGame) {
      flags.add(NodeMain.SILENT_IN_GAME);
    }
    if (rebuildJournal) {
      flags.add(dev.trustdial.node.operator.JobJournal.REBUILD_FLAG);
    }
    try (RunningNode node = NodeMain.start("operator", NodeConfig.read(config), flags)) {
      System.out.println(
          "operator " + node.account() + ": /health and /metrics on port " + node.httpPort());
      System.out.flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
