package dev.trustdial.cli.devnet;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.json.Json;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustdial devnet up|status|down}: a local chain with the settlement contracts. */
@Command(
    name = "devnet",
    description = "Run a local devnet: anvil with the settlement contracts deployed.",
    mixinStandardHelpOptions = true,
    subcommands = {DevnetCommand.Up.class, DevnetCommand.Status.class, DevnetCommand.Down.class})
public final class DevnetCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final String DEFAULT_DIR = ".devnet";

  @Command(
      name = "up",
      description =
          "Start anvil, deploy and wire the contracts, fund the devnet accounts, start the DA nodes, operators and watchtower (one process each, configs and logs in DIR/NAME/), write DIR/devnet.json, and return leaving it running.")
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        description = "Devnet directory (default: ${DEFAULT-VALUE}).",
        defaultValue = DEFAULT_DIR)
    Path dir;

    @Option(
        names = "--block-time",
        description =
            "Seconds between blocks, 1..60, besides a block per transaction "
                + "(queued jobs wait for a later block's hash; default: ${DEFAULT-VALUE}).",
        defaultValue = "1")
    int blockTime;

    @Option(
        names = "--da-nodes",
        description = "DA nodes to start, 0..4 (default: ${DEFAULT-VALUE}).",
        defaultValue = "4")
    int daNodes;

    @Option(
        names = "--operators",
        description =
            "Operator processes to start (operator-1..3), 0..3 (default: ${DEFAULT-VALUE}).",
        defaultValue = "3")
    int operators;

    @Option(
        names = "--watchtowers",
        description = "Watchtower processes to start, 0..1 (default: ${DEFAULT-VALUE}).",
        defaultValue = "1")
    int watchtowers;

    @Override
    public Integer call() {
      if (blockTime < 1 || blockTime > 60) {
        throw new dev.trustdial.core.InvalidInputException(
            "--block-time must be within 1..60 seconds, got " + blockTime);
      }
      PrintWriter out = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      Devnet.Size size = new Devnet.Size(daNodes, operators, watchtowers);
      Devnet devnet =
          Devnet.start(
              dir,
              blockTime,
              size,
              s -> {
                out.println("  " + s);
                out.flush();
              });
      devnet.detach();
      DevnetDescriptor d = devnet.descriptor();
      out.printf(
          "devnet ready in %.1f s: %s (chain id %d)%n",
          (System.nanoTime() - t0) / 1e9, d.rpcUrl(), d.chainId());
      d.contracts().forEach((k, v) -> out.printf("  %-22s %s%n", k, v));
      out.println("descriptor: " + dir.resolve(DevnetDescriptor.FILE).toAbsolutePath());
      out.println("explorer: " + devnet.explorerUrl());
      out.println("stop it with: trustdial devnet down --dir " + dir);
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "status",
      description = "Show whether the devnet in DIR runs, its block height and contracts.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        defaultValue = DEFAULT_DIR,
        description = "Devnet directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      DevnetDescriptor d = DevnetDescriptor.read(dir);
      boolean processesUp = d.processes().stream().allMatch(p -> p.live().isPresent());
      boolean rpcUp;
      try (HttpClient http = HttpClient.newHttpClient()) {
        rpcUp = Anvil.isResponding(http, d.rpcUrl());
      }
      long block = -1;
      if (rpcUp) {
        try (Settlement s =
            Settlement.connect(
                d.rpcUrl(),
                d.deployment(),
                dev.trustdial.core.crypto.Secp256k1Key.fromPrivateKeyHex(
                    d.account("deployer").privateKey()))) {
          block = s.blockNumber();
        }
      }
      boolean running = processesUp && rpcUp;
      if (json) {
        var node = Json.mapper().createObjectNode();
        node.put("running", running);
        node.put("rpcUrl", d.rpcUrl());
        node.put("chainId", d.chainId());
        node.put("blockNumber", block);
        var contracts = node.putObject("contracts");
        d.contracts().forEach(contracts::put);
        var procs = node.putArray("processes");
        for (DevnetDescriptor.ProcessEntry p : d.processes()) {
          procs
              .addObject()
              .put("name", p.name())
              .put("pid", p.pid())
              .put("alive", p.live().isPresent())
              .put("log", p.log());
        }
        out.println(node.toPrettyString());
      } else {
        out.printf("devnet in %s: %s%n", dir, running ? "RUNNING" : "NOT RUNNING");
        out.printf(
            "  rpc        %s (chain id %d)%s%n",
            d.rpcUrl(), d.chainId(), rpcUp ? ", block " + block : ", not answering");
        for (DevnetDescriptor.ProcessEntry p : d.processes()) {
          out.printf(
              "  %-10s pid %d %s  log %s%n",
              p.name(), p.pid(), p.live().isPresent() ? "alive" : "GONE", p.log());
        }
        d.contracts().forEach((k, v) -> out.printf("  %-22s %s%n", k, v));
      }
      out.flush();
      return running ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  @Command(
      name = "down",
      description =
          "Stop every process of the devnet in DIR and remove its descriptor (logs stay).")
  static final class Down implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        defaultValue = DEFAULT_DIR,
        description = "Devnet directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
      List<String> stopped = Devnet.down(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          stopped.isEmpty()
              ? "devnet in " + dir + " was not running; descriptor removed"
              : "stopped " + String.join(", ", stopped));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
