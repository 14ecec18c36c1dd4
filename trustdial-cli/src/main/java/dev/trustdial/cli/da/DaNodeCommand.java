package dev.trustdial.cli.da;

import dev.trustdial.da.node.DaNodeConfig;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.node.DaNodeServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustdial da-node --config FILE}: runs a DA node until stopped. */
@Command(
    name = "da-node",
    mixinStandardHelpOptions = true,
    description =
        "Run a DA node: verify, store (RocksDB) and serve erasure-coded chunks; sign attestations.")
public final class DaNodeCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "Node configuration (JSON; see docs/spec/da.md).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    DaNodeServer server = DaNodeMain.start(DaNodeConfig.read(config));
    System.out.println(
        "DA node " + server.node().operator() + " listening on port " + server.port());
    System.out.flush();
    new CountDownLatch(1).await();
    return 0;
  }
}
