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

/** {@code trustdial watchtower --config FILE}: a VERIFIER until stopped. */
@Command(
    name = "watchtower",
    mixinStandardHelpOptions = true,
    description =
        "Run a watchtower: re-execute every result from DA, challenge mismatches, vote in disputes, report missed heartbeats.")
public final class WatchtowerCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Node configuration (JSON; see trustdial-node/README.md).")
  Path config;

  @Option(
      names = "--false-challenge",
      hidden = true,
      description =
          "Test-only fault: challenge correct results too. Refused unless the chain id is 31337.")
  boolean falseChallenge;

  @Override
  public Integer call() throws Exception {
    List<String> flags = new ArrayList<>();
    if (falseChallenge) {
      flags.add("--false-challenge");
    }
    try (RunningNode node = NodeMain.start("watchtower", NodeConfig.read(config), flags)) {
      System.out.println(
          "watchtower " + node.account() + ": /health and /metrics on port " + node.httpPort());
      System.out.flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
