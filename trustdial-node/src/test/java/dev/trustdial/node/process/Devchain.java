package dev.trustdial.node.process;

import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.node.NodeMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A fresh anvil with the settlement contracts deployed with short windows, funded accounts, and
 * helpers to start operator and watchtower JVMs against it. Account roles: 0 owner, 1..4 operators,
 * 5..6 watchtowers, 7 developer.
 */
final class Devchain implements AutoCloseable {
  static final long HEARTBEAT_WINDOW = 8;
  static final long CHALLENGE_WINDOW = 8;
  static final long VOTING_PERIOD = 6;

  final Path dir;
  final Anvil anvil;
  final Settlement owner;
  final List<Secp256k1Key> keys;
  final DaNetwork da;
  final List<ChildJvm.Started> processes = new ArrayList<>();

  /** The DA confirmation threshold the nodes write with (docs/spec/da.md §6). */
  int daThresholdBps = 6667;

  /** Jobs an operator runs at once (node config maxConcurrentJobs). */
  int maxConcurrentJobs = 4;

  /** Extra node config fields, a JSON fragment starting with a comma (e.g. checkpoint settings). */
  String extraConfig = "";

  private Devchain(Path dir, Anvil anvil, Settlement owner, List<Secp256k1Key> keys, DaNetwork da) {
    this.dir = dir;
    this.anvil = anvil;
    this.owner = owner;
    this.keys = keys;
    this.da = da;
  }

  static Devchain start(Path dir, DaNetwork da) throws Exception {
    return start(dir, da, HEARTBEAT_WINDOW);
  }

  static Devchain start(Path dir, DaNetwork da, long heartbeatWindow) throws Exception {
    Files.createDirectories(dir);
    // A block a second plus one per transaction: queued jobs need a seed block mined after them.
    Anvil anvil =
        Anvil.start(
            new Anvil.Options(
                0,
                Anvil.DEFAULT_BLOCK_TIME_SECONDS,
                10,
                Anvil.DEVNET_CHAIN_ID,
                dir.resolve("anvil.log")));
    List<Secp256k1Key> keys = anvil.devKeys();
    SettlementDeployer.Config devnet = SettlementDeployer.Config.devnet();
    SettlementDeployer.Config config =
        devnet
            .withJobParams(JobParams.devnet().withWindows(heartbeatWindow, CHALLENGE_WINDOW))
            .withCourt(
                new SettlementDeployer.CourtConfig(
                    VOTING_PERIOD, devnet.court().quorumBps(), devnet.court().voterPenaltyWad()))
            .withApps(new SettlementDeployer.AppCreation(true, List.of()));
    var deployed = SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(0), config, s -> {});
    Settlement owner = Settlement.connect(anvil.rpcUrl(), deployed.deployment(), keys.get(0));
    for (int i = 1; i < keys.size(); i++) {
      owner.mint(keys.get(i).address(), Tokens.of(1000));
    }
    return new Devchain(dir, anvil, owner, keys, da);
  }

  Settlement as(int account) {
    return owner.as(keys.get(account));
  }

  Address address(int account) {
    return keys.get(account).address();
  }

  /** Writes the node config for account {@code account} with its own data dir. */
  Path config(String name, int account) throws Exception {
    var d = owner.deployment();
    StringBuilder dep = new StringBuilder("{\"chainId\": " + d.chainId());
    for (Map.Entry<String, Address> e : d.byName().entrySet()) {
      dep.append(", \"").append(e.getKey()).append("\": \"").append(e.getValue()).append('"');
    }
    dep.append('}');
    Path file = dir.resolve(name + ".json");
    Files.writeString(
        file,
        """
        {"rpcUrl": "%s", "deployment": %s, "privateKey": "%s", "dataDir": "%s",
         "da": {"operators": "%s", "certs": "%s", "retentionSeconds": 3600, "thresholdBps": %d}, "pollIntervalMillis": 250, "httpPort": 0, "stake": "200",
         "maxConcurrentJobs": %d%s}
        """
            .formatted(
                anvil.rpcUrl(),
                dep,
                keys.get(account).privateKeyHex(),
                dir.resolve(name + "-data"),
                da.settings().operators(),
                da.settings().certs(),
                daThresholdBps,
                maxConcurrentJobs,
                extraConfig));
    return file;
  }

  ChildJvm.Started startNode(String role, String name, int account, String... flags)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(role, config(name, account).toString()));
    args.addAll(List.of(flags));
    ChildJvm.Started p =
        ChildJvm.Launch.of(name, NodeMain.class, dir.resolve(name + ".log"))
            .withJvmFlags(List.of("--add-modules", "jdk.incubator.vector"))
            .withArgs(args)
            .start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /**
   * Starts nodes in parallel; a name's prefix before '-' is its role ("operator-1", "watchtower-1",
   * "liar-1").
   */
  List<ChildJvm.Started> startNodes(List<String> names, List<Integer> accounts) throws Exception {
    return startNodes(names, accounts, Map.of());
  }

  /** As above, with extra flags for some nodes by name (test-only faults). */
  List<ChildJvm.Started> startNodes(
      List<String> names, List<Integer> accounts, Map<String, String> flags) throws Exception {
    List<java.util.concurrent.Future<ChildJvm.Started>> futures = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        int account = accounts.get(i);
        futures.add(
            pool.submit(() ->
                switch (name.substring(0, name.indexOf('-'))) {
                  case "operator" ->
                      flags.containsKey(name)
                          ? startNode("operator", name, account, flags.get(name))
                          : startNode("operator", name, account);
                  case "liar" -> startNode("operator", name, account, "--lie");
                  case "watchtower" ->
                      flags.containsKey(name)
                          ? startNode("watchtower", name, account, flags.get(name))
                          : startNode("watchtower", name, account);
                  default -> throw new IllegalArgumentException(name);
                }));
      }
    }
    List<ChildJvm.Started> out = new ArrayList<>();
    for (var f : futures) {
      out.add(f.get());
    }
    return out;
  }

  List<SettlementEvent> events() {
    return owner.events().read(0, owner.blockNumber());
  }

  /** Waits (polling the chain) for an event matching {@code match}; fails after {@code timeout}. */
  <E extends SettlementEvent> E await(Class<E> type, Predicate<E> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (SettlementEvent e : events()) {
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no "
            + type.getSimpleName()
            + " within "
            + timeout.toSeconds()
            + " s; events: "
            + events());
  }

  long count(Class<? extends SettlementEvent> type, Predicate<SettlementEvent> match) {
    return events().stream().filter(type::isInstance).filter(match).count();
  }

  @Override
  public void close() throws Exception {
    for (ChildJvm.Started p : processes) {
      p.close();
    }
    owner.close();
    anvil.close();
  }
}
