package dev.trustdial.cli.explorer;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.cli.tee.TeeCommand;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.explorer.Explorer;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial explorer}: indexes a deployment's settlement events and serves the web explorer
 * and the trust advisor.
 */
@Command(
    name = "explorer",
    mixinStandardHelpOptions = true,
    description = {
      "Index a deployment's settlement events into an H2 database and serve the web explorer, the trust advisor,",
      "their JSON API (/api/...) and /metrics. Prints 'listening PORT url URL' when ready; runs until stopped."
    })
public final class ExplorerCommand implements Callable<Integer> {
  static final class Target {
    @Option(
        names = "--devnet",
        paramLabel = "DIR",
        description = "A devnet directory (its devnet.json).")
    Path devnet;

    @Option(
        names = "--chain",
        paramLabel = "FILE",
        description =
            "A chain config: {rpcUrl, chainId, contracts{JobManager, ..., BlobRegistry}}.")
    Path chain;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(
      names = "--port",
      defaultValue = "8400",
      description = "Port to listen on (0: any free one; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Where the index lives (default: DIR/explorer for a devnet, ./explorer-data otherwise).")
  Path data;

  @Option(
      names = "--reindex-from",
      paramLabel = "BLOCK",
      description =
          "Re-read the chain from this block: index rows at or after it are deleted and the rest is replayed from the index.")
  Long reindexFrom;

  @Option(
      names = "--poll-ms",
      defaultValue = "1000",
      description = "How often to look for new blocks, in ms (default: ${DEFAULT-VALUE}).")
  long pollMillis;

  @Option(
      names = "--simulation-root",
      paramLabel = "FILE",
      description =
          "Accept INSECURE simulated TEE evidence under this root when checking TEE answers (dev only; repeatable). "
              + "With --devnet: every operator's simulation root under DIR is used.")
  List<Path> simulationRoots = new ArrayList<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean devnet = target.devnet != null;
    ChainConfig chain = devnet ? devnetChain(target.devnet) : ChainConfig.read(target.chain);
    Path dataDir =
        data != null ? data : devnet ? target.devnet.resolve("explorer") : Path.of("explorer-data");
    if (reindexFrom != null && reindexFrom < 0) {
      throw new InvalidInputException(
          "--reindex-from must be a block number >= 0, got " + reindexFrom);
    }
    List<Path> roots = new ArrayList<>(simulationRoots);
    if (devnet && roots.isEmpty()) {
      try (Stream<Path> members = Files.list(target.devnet)) {
        members
            .map(m -> m.resolve("tee").resolve(SimulatedTee.ROOT_FILE))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(roots::add);
      }
    }
    if (roots.size() > 64) {
      throw new InvalidInputException("at most 64 simulation roots, got " + roots.size());
    }
    List<X509Certificate> anchors = roots.stream().map(TeeCommand::readRoot).toList();
    Explorer explorer =
        Explorer.start(
            chain,
            new Explorer.Options(
                dataDir,
                host,
                port,
                reindexFrom == null ? OptionalLong.empty() : OptionalLong.of(reindexFrom),
                pollMillis,
                devnet),
            anchors);
    Runtime.getRuntime().addShutdownHook(new Thread(explorer::close, "explorer-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "listening "
            + explorer.port()
            + " url "
            + explorer.url()
            + " data "
            + dataDir.toAbsolutePath());
    out.flush();
    Thread.currentThread().join();
    return ExitCodes.OK;
  }

  /**
   * The devnet's chain config: its devnet.json (read first for the friendly "no devnet here"
   * message).
   */
  private static ChainConfig devnetChain(Path dir) {
    DevnetDescriptor.read(dir);
    return ChainConfig.read(dir.resolve(DevnetDescriptor.FILE));
  }
}
