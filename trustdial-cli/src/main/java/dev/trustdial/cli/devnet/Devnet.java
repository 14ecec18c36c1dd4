package dev.trustdial.cli.devnet;

import dev.trustdial.chain.Deployment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.json.Json;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.node.DaNodeConfigFile;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.node.NodeMain;
import dev.trustdial.node.config.NodeConfigFile;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A local devnet: anvil plus the deployed and wired settlement contracts, with funded accounts.
 * {@link #start} keeps it tied to this JVM (closing stops it); {@code devnet up} detaches it.
 */
public final class Devnet implements AutoCloseable {
  public static final BigInteger FAUCET = Tokens.of(10_000);

  /** DA certificates need two thirds of the DA stake (docs/spec/da.md). */
  public static final int DA_THRESHOLD_BPS = 6667;

  public static final BigInteger DA_STAKE = Tokens.of(200);
  public static final int MAX_DA_NODES = 4;

  /** Generous: JVMs start slowly on a busy 2-core machine. */
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  /** Whole tokens each operator stakes on start; the watchtower stakes half of it. */
  public static final int OPERATOR_STAKE = 1000;

  /** A delegator's stake in an operator's pool, made once the operators have registered. */
  public record Delegation(Roster.Member delegator, Roster.Member operator, BigInteger amount) {}

  /**
   * Every operator gets 400 TDS of delegated stake: a slash then visibly hits its delegators too.
   */
  public static final List<Delegation> DELEGATIONS =
      List.of(
          new Delegation(Roster.DELEGATORS.get(0), Roster.OPERATORS.get(0), Tokens.of(400)),
          new Delegation(Roster.DELEGATORS.get(0), Roster.OPERATORS.get(1), Tokens.of(200)),
          new Delegation(Roster.DELEGATORS.get(1), Roster.OPERATORS.get(1), Tokens.of(200)),
          new Delegation(Roster.DELEGATORS.get(1), Roster.OPERATORS.get(2), Tokens.of(400)));

  /**
   * How many of each process the devnet runs; operators and watchtowers need DA nodes to write to.
   */
  public record Size(int daNodes, int operators, int watchtowers) {
    public Size {
      if (daNodes < 0 || daNodes > MAX_DA_NODES) {
        throw new InvalidInputException(
            "--da-nodes must be within 0.." + MAX_DA_NODES + ", got " + daNodes);
      }
      if (operators < 0 || operators > Roster.OPERATORS.size()) {
        throw new InvalidInputException(
            "--operators must be within 0.." + Roster.OPERATORS.size() + ", got " + operators);
      }
      if (watchtowers < 0 || watchtowers > 1) {
        throw new InvalidInputException("--watchtowers must be 0 or 1, got " + watchtowers);
      }
      if (operators + watchtowers > 0 && daNodes == 0) {
        throw new InvalidInputException(
            "operators and watchtowers write checkpoints to DA: start at least one DA node (--da-nodes)");
      }
    }

    public static Size chainOnly() {
      return new Size(0, 0, 0);
    }

    public static Size full() {
      return new Size(MAX_DA_NODES, Roster.OPERATORS.size(), 1);
    }
  }

  private final Path dir;
  private final Anvil anvil;

  /**
   * Every child process by name (DA nodes, operators, watchtowers), in start order; guarded by
   * this.
   */
  private final Map<String, ChildJvm.Started> children = new LinkedHashMap<>();

  private DevnetDescriptor descriptor;
  private final List<TxOutcome> deployTxs;
  private final List<Secp256k1Key> keys;
  private boolean detached;

  /** The devnet KMS's port (operators' TEE jobs get their apps' keys from it); 0 until started. */
  private volatile int kmsPort;

  private java.net.URI explorerUrl;

  private Devnet(
      Path dir,
      Anvil anvil,
      DevnetDescriptor descriptor,
      List<TxOutcome> deployTxs,
      List<Secp256k1Key> keys) {
    this.dir = dir;
    this.anvil = anvil;
    this.descriptor = descriptor;
    this.deployTxs = deployTxs;
    this.keys = keys;
  }

  /** Refuses when {@code dir} holds a devnet whose anvil still runs; clears a stale descriptor. */
  public static void checkFree(Path dir) {
    if (!DevnetDescriptor.exists(dir)) {
      return;
    }
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    for (DevnetDescriptor.ProcessEntry p : d.processes()) {
      if (p.live().isPresent()) {
        throw new InvalidInputException(
            "a devnet is already running in "
                + dir
                + " ("
                + p.name()
                + " pid "
                + p.pid()
                + " at "
                + d.rpcUrl()
                + "); stop it with 'trustdial devnet down --dir "
                + dir
                + "' or pick another --dir");
      }
    }
  }

  /**
   * Starts anvil, deploys and wires the contracts, funds the roster, then starts the DA nodes
   * (registered with the DA role) and the operator and watchtower processes (which register and
   * stake themselves), each its own JVM.
   */
  public static Devnet start(Path dir, int blockTimeSeconds, Size size, Consumer<String> progress) {
    if (blockTimeSeconds < 1 || blockTimeSeconds > 60) {
      // Queued jobs are assigned from the hash of a later block: an idle chain must still make
      // blocks.
      throw new InvalidInputException(
          "--block-time must be within 1..60 seconds, got " + blockTimeSeconds);
    }
    checkFree(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot create the devnet directory " + dir + ": " + e.getMessage(), e);
    }
    progress.accept("starting anvil (pinned " + "1.7.1" + ") on a free loopback port");
    Path log = dir.resolve("anvil.log");
    Anvil anvil =
        Anvil.start(
            new Anvil.Options(0, blockTimeSeconds, Roster.ACCOUNTS, Anvil.DEVNET_CHAIN_ID, log));
    Devnet devnet = null;
    try {
      List<Secp256k1Key> keys = anvil.devKeys();
      // App creation is allowlisted on the devnet: the developer may create apps from the start.
      SettlementDeployer.Result r =
          SettlementDeployer.deploy(
              anvil.rpcUrl(),
              keys.get(Roster.DEPLOYER.index()),
              SettlementDeployer.Config.devnet()
                  .withApps(
                      SettlementDeployer.AppCreation.allowlist(
                          keys.get(Roster.DEVELOPER.index()).address())),
              progress);
      List<TxOutcome> txs = new ArrayList<>(r.transactions());
      progress.accept(
          "funding "
              + (Roster.all().size() - 1)
              + " accounts with "
              + Tokens.format(FAUCET)
              + " each (the deployer stays a minter)");
      try (Settlement owner =
          Settlement.connect(anvil.rpcUrl(), r.deployment(), keys.get(Roster.DEPLOYER.index()))) {
        for (Roster.Member m : Roster.all()) {
          if (m != Roster.DEPLOYER) {
            txs.add(owner.mint(keys.get(m.index()).address(), FAUCET));
          }
        }
      }
      SettlementDeployer.Deployed blobs =
          SettlementDeployer.deployBlobRegistry(
              anvil.rpcUrl(),
              keys.get(Roster.DEPLOYER.index()),
              r.deployment(),
              DA_THRESHOLD_BPS,
              256);
      txs.add(blobs.tx());
      DevnetDescriptor d =
          describe(
              anvil,
              r.deployment(),
              Map.of("BlobRegistry", blobs.address(), "SettlementTimelock", r.timelock()),
              keys,
              log,
              List.of());
      d.write(dir);
      devnet = new Devnet(dir, anvil, d, txs, keys);
      List<String> nodes = new ArrayList<>();
      Roster.OPERATORS.subList(0, size.operators()).forEach(m -> nodes.add(m.name()));
      if (size.watchtowers() == 1) {
        nodes.add(Roster.WATCHTOWER.name());
      }
      // All JVMs start at once (JVM start-up dominates); operators only need the DA nodes and the
      // KMS once a job comes.
      Devnet started = devnet;
      // One executor for the three starters: closing it waits for them, even when one failed.
      try (java.util.concurrent.ExecutorService starters =
          java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        java.util.concurrent.CompletableFuture<Void> daNodes =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> started.startDaNodes(size.daNodes(), progress), starters);
        List<String> kmsArgs =
            size.operators() == 0 ? List.of() : devnet.prepareKms(size.operators());
        java.util.concurrent.CompletableFuture<Void> kms =
            kmsArgs.isEmpty()
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : java.util.concurrent.CompletableFuture.runAsync(
                    () -> started.startKms(kmsArgs, progress), starters);
        java.util.concurrent.CompletableFuture<Void> explorer =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> started.startExplorer(progress), starters);
        if (!nodes.isEmpty()) {
          progress.accept(
              "starting "
                  + String.join(", ", nodes)
                  + " (one JVM each; each registers and stakes itself)");
          devnet.startNodes(nodes, progress);
        }
        devnet.delegate(size.operators(), progress);
        try {
          daNodes.join();
          kms.join();
          explorer.join();
        } catch (java.util.concurrent.CompletionException e) {
          throw e.getCause() instanceof RuntimeException re ? re : e;
        }
      }
      return devnet;
    } catch (RuntimeException | IOException e) {
      if (devnet != null) {
        devnet.close();
      } else {
        anvil.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The delegators stake into the pools of the operators that run (they registered on start). */
  private void delegate(int operators, Consumer<String> progress) {
    List<Roster.Member> running = Roster.OPERATORS.subList(0, operators);
    for (Delegation d : DELEGATIONS) {
      if (!running.contains(d.operator())) {
        continue;
      }
      try (Settlement staker = connect(d.delegator())) {
        deployTxs.add(staker.delegate(key(d.operator()).address(), d.amount()));
      }
      progress.accept(
          d.delegator().name()
              + " delegated "
              + Tokens.format(d.amount())
              + " to "
              + d.operator().name());
    }
  }

  /**
   * A devnet DA node's config.json, in its directory next to the devnet descriptor (port 0: the
   * node picks one and prints it).
   */
  static DaNodeConfigFile daNodeConfig(Secp256k1Key key) {
    return DaNodeConfigFile.onChain(
        key.privateKeyHex(), "127.0.0.1", 0, "data", "../" + DevnetDescriptor.FILE, 60, 2_592_000);
  }

  /**
   * A devnet operator's or watchtower's config.json, in its directory next to the devnet
   * descriptor.
   */
  static NodeConfigFile nodeConfig(
      Secp256k1Key key, boolean operator, NodeConfigFile.Tee tee, List<String> teeSimulationRoots) {
    return new NodeConfigFile(
        "../" + DevnetDescriptor.FILE,
        null,
        null,
        key.privateKeyHex(),
        "data",
        NodeConfigFile.Da.onChain(DA_THRESHOLD_BPS, 604_800),
        250L,
        "127.0.0.1",
        0,
        String.valueOf(operator ? OPERATOR_STAKE : OPERATOR_STAKE / 2),
        null,
        null,
        tee,
        teeSimulationRoots,
        null,
        null,
        null);
  }

  private void startDaNodes(int count, Consumer<String> progress) {
    if (count == 0) {
      return;
    }
    progress.accept(
        "starting "
            + count
            + " DA nodes (one JVM each), registering them with the DA role and "
            + Tokens.format(DA_STAKE)
            + " stake");
    List<Roster.Member> members = Roster.DA_NODES.subList(0, count);
    List<ChildJvm.Started> started =
        inParallel(
            members.stream()
                .map(m ->
                    (java.util.concurrent.Callable<ChildJvm.Started>)
                        () -> {
                          Path nodeDir = dir.resolve(m.name());
                          Files.createDirectories(nodeDir);
                          Path config = nodeDir.resolve("config.json");
                          // Port 0: the node picks a free port and prints it; the chain config is
                          // the devnet descriptor.
                          Files.writeString(config, Json.writePretty(daNodeConfig(key(m))));
                          // C1 only: a DA node's heavy work is native (KZG, RocksDB); C2 would only
                          // cost start-up CPU.
                          return startChild(
                              m.name(),
                              DaNodeMain.class,
                              List.of("-XX:TieredStopAtLevel=1"),
                              List.of(config.toAbsolutePath().toString()),
                              nodeDir,
                              nodeDir.resolve("node.log"));
                        })
                .toList());
    for (int i = 0; i < members.size(); i++) {
      Roster.Member m = members.get(i);
      ChildJvm.Started node = started.get(i);
      synchronized (this) {
        children.put(m.name(), node);
        rewriteDescriptor();
      }
      try (Settlement op =
          Settlement.connect(descriptor.rpcUrl(), descriptor.deployment(), key(m))) {
        deployTxs.add(
            op.register(
                EnumSet.of(Role.DA),
                key(m).address(),
                "http://127.0.0.1:" + node.port(),
                DA_STAKE));
      }
      progress.accept(m.name() + " listening on 127.0.0.1:" + node.port());
    }
  }

  /**
   * Gives each operator a simulated TEE install ({@code NAME/tee}, INSECURE: dev only) and starts
   * the devnet KMS ({@code kms/}, policies read from AppRegistry) trusting exactly those installs'
   * simulation roots. The port is chosen here, before any operator starts, so their configs can
   * name it.
   */
  private List<String> prepareKms(int operators) {
    // Absolute paths: the KMS runs in its own directory.
    List<String> args =
        new ArrayList<>(
            List.of(
                "kms",
                "serve",
                "--dir",
                kmsDir().toAbsolutePath().toString(),
                "--devnet",
                dir.toAbsolutePath().toString()));
    try {
      for (Roster.Member m : Roster.OPERATORS.subList(0, operators)) {
        Path install = dir.resolve(m.name()).resolve("tee");
        if (!Files.exists(install.resolve(SimulatedTee.ROOT_FILE))) {
          SimulatedTee.createInstall(new SecureRandom(), Instant.now()).save(install);
        }
        args.addAll(
            List.of(
                "--simulation-root",
                install.resolve(SimulatedTee.ROOT_FILE).toAbsolutePath().toString()));
      }
      if (!Files.exists(kmsDir().resolve(KmsRoot.FILE))) {
        KmsRoot.create(kmsDir(), new SecureRandom());
      }
      try (java.net.ServerSocket probe =
          new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        kmsPort = probe.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the devnet's TEE installs and KMS: " + e.getMessage(), e);
    }
    args.addAll(List.of("--port", Integer.toString(kmsPort)));
    return args;
  }

  private void startKms(List<String> args, Consumer<String> progress) {
    ChildJvm.Started s =
        startChild(
            "kms",
            dev.trustdial.cli.Main.class,
            List.of("-XX:TieredStopAtLevel=1"),
            args,
            kmsDir(),
            kmsDir().resolve("kms.log"));
    synchronized (this) {
      children.put("kms", s);
      rewriteDescriptor();
    }
    progress.accept(
        "kms listening on 127.0.0.1:"
            + s.port()
            + " (releases TEE apps' keys to the operators' simulated TEE installs; public key "
            + s.word("public-key")
            + ")");
  }

  /**
   * Starts the explorer (trustdial explorer --devnet DIR) on a free port; it indexes into
   * DIR/explorer.
   */
  private void startExplorer(Consumer<String> progress) {
    ChildJvm.Started s =
        startChild(
            "explorer",
            dev.trustdial.cli.Main.class,
            List.of("-XX:TieredStopAtLevel=1"),
            List.of("explorer", "--devnet", dir.toAbsolutePath().toString(), "--port", "0"),
            dir.resolve("explorer"),
            dir.resolve("explorer").resolve("explorer.log"));
    synchronized (this) {
      children.put("explorer", s);
      explorerUrl = java.net.URI.create(s.word("url"));
      rewriteDescriptor();
    }
    progress.accept(
        "explorer at "
            + explorerUrl
            + " (jobs, operators, DA blobs, the trust advisor; JSON under /api)");
  }

  /** The devnet explorer's URL, once started. */
  public synchronized java.net.URI explorerUrl() {
    if (explorerUrl == null) {
      throw new InvalidInputException("this devnet runs no explorer");
    }
    return explorerUrl;
  }

  /** The devnet KMS's directory (its root secret and audit log). */
  public Path kmsDir() {
    return dir.resolve("kms");
  }

  /** The devnet KMS's URL, once started. */
  public java.net.URI kmsUrl() {
    if (kmsPort == 0) {
      throw new InvalidInputException("this devnet runs no KMS (it starts with the operators)");
    }
    return java.net.URI.create("http://127.0.0.1:" + kmsPort);
  }

  /**
   * Starts operators and watchtowers by roster name, in parallel; each registers and stakes itself
   * before it listens.
   */
  public void startNodes(List<String> names, Consumer<String> progress, String... flags) {
    inParallel(
            names.stream()
                .map(n ->
                    (java.util.concurrent.Callable<ChildJvm.Started>) () -> startNode(n, flags))
                .toList())
        .forEach(s ->
            progress.accept(
                s.name()
                    + " is "
                    + s.word("account")
                    + ", /health and /metrics on 127.0.0.1:"
                    + s.port()));
  }

  /**
   * Starts (or restarts, on the same data dir) the operator or watchtower {@code name}; flags are
   * the node's test-only faults (--lie, --false-challenge), which only the devnet chain allows.
   */
  public ChildJvm.Started startNode(String name, String... flags) throws IOException {
    Roster.Member m =
        Roster.node(name)
            .orElseThrow(
                () -> new InvalidInputException("no operator or watchtower named '" + name + "'"));
    synchronized (this) {
      ChildJvm.Started old = children.get(name);
      if (old != null && old.process().isAlive()) {
        throw new InvalidInputException(
            name + " is already running (pid " + old.process().pid() + ")");
      }
    }
    boolean operator = Roster.OPERATORS.contains(m);
    Path nodeDir = dir.resolve(name);
    Files.createDirectories(nodeDir);
    Path config = nodeDir.resolve("config.json");
    // Operators run TEE jobs on their simulated install with the devnet KMS (the port is known
    // before they start).
    NodeConfigFile.Tee tee =
        operator && kmsPort > 0
            ? new NodeConfigFile.Tee("tee", "http://127.0.0.1:" + kmsPort)
            : null;
    List<String> roots = null;
    if (!operator) {
      // The watchtower checks TEE answers; on the devnet they carry the operators' simulated
      // evidence.
      roots = new ArrayList<>();
      for (Roster.Member op : Roster.OPERATORS) {
        if (Files.exists(dir.resolve(op.name()).resolve("tee").resolve(SimulatedTee.ROOT_FILE))) {
          roots.add("../" + op.name() + "/tee/" + SimulatedTee.ROOT_FILE);
        }
      }
      roots = roots.isEmpty() ? null : roots;
    }
    Files.writeString(config, Json.writePretty(nodeConfig(key(m), operator, tee, roots)));
    List<String> args =
        new ArrayList<>(
            List.of(operator ? "operator" : "watchtower", config.toAbsolutePath().toString()));
    args.addAll(List.of(flags));
    ChildJvm.Started s =
        startChild(name, NodeMain.class, List.of(), args, nodeDir, nodeDir.resolve("node.log"));
    synchronized (this) {
      children.put(name, s);
      rewriteDescriptor();
    }
    return s;
  }

  /**
   * Starts again the stopped DA node, operator or watchtower {@code name} of the devnet running in
   * {@code dir}, which this JVM need not own ({@code trustdial chaos} restarts what it killed), on
   * its data dir with {@code config} and, for operators and watchtowers, the node's test-only
   * {@code flags}; the descriptor then names the new process, so {@code devnet down} stops it.
   */
  public static ChildJvm.Started relaunch(Path dir, String name, Path config, List<String> flags) {
    boolean da = Roster.DA_NODES.stream().anyMatch(m -> m.name().equals(name));
    Optional<Roster.Member> node = Roster.node(name);
    if (!da && node.isEmpty()) {
      throw new InvalidInputException("no DA node, operator or watchtower named '" + name + "'");
    }
    synchronized (Devnet.class) {
      DevnetDescriptor d = DevnetDescriptor.read(dir);
      if (d.processes().stream().anyMatch(p -> p.name().equals(name) && p.live().isPresent())) {
        throw new InvalidInputException(name + " is still running; stop it before a relaunch");
      }
    }
    Path nodeDir = dir.resolve(name);
    List<String> args = new ArrayList<>();
    if (!da) {
      args.add(Roster.OPERATORS.contains(node.get()) ? "operator" : "watchtower");
    }
    args.add(config.toAbsolutePath().toString());
    args.addAll(flags);
    ChildJvm.Started s =
        startChild(
            name,
            da ? DaNodeMain.class : NodeMain.class,
            da ? List.of("-XX:TieredStopAtLevel=1") : List.of(),
            args,
            nodeDir,
            nodeDir.resolve("node.log"));
    synchronized (Devnet.class) {
      DevnetDescriptor d = DevnetDescriptor.read(dir);
      List<DevnetDescriptor.ProcessEntry> entries = new ArrayList<>();
      for (DevnetDescriptor.ProcessEntry p : d.processes()) {
        entries.add(
            p.name().equals(name)
                ? DevnetDescriptor.ProcessEntry.of(name, s.process().pid(), s.log())
                : p);
      }
      try {
        new DevnetDescriptor(
                d.rpcUrl(), d.chainId(), d.contracts(), d.accounts(), entries, d.startedAt())
            .write(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + dir.resolve(DevnetDescriptor.FILE), e);
      }
    }
    return s;
  }

  /** SIGKILL: the process gets no chance to flush, sign off or hand over anything. */
  public void kill(String name) {
    ChildJvm.Started s = child(name);
    s.process().destroyForcibly();
    waitFor(s.process(), 30);
  }

  /**
   * SIGSTOP: the process freezes where it is (a node that is very slow); {@link #resume} lets it go
   * on.
   */
  public void pause(String name) {
    signal(name, "STOP");
  }

  /** SIGCONT for a paused process. */
  public void resume(String name) {
    signal(name, "CONT");
  }

  private void signal(String name, String signal) {
    ChildJvm.Started s = child(name);
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(s.process().pid()))
              .redirectErrorStream(true)
              .start();
      String out =
          new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + s.process().pid() + " (" + name + ") failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + name, e);
    }
  }

  /** SIGTERM and wait (a clean stop, as an operator restarting its node would do). */
  public void stop(String name) {
    ChildJvm.Started s = child(name);
    s.process().destroy();
    if (!waitFor(s.process(), 10)) {
      s.process().destroyForcibly();
      waitFor(s.process(), 10);
    }
  }

  /** The port a child process serves on (DA API, or a node's /health and /metrics). */
  public int httpPort(String name) {
    return child(name).port();
  }

  /** The log of a child process (DA node, operator, watchtower). */
  public Path log(String name) {
    return child(name).log();
  }

  public synchronized boolean isRunning(String name) {
    ChildJvm.Started s = children.get(name);
    return s != null && s.process().isAlive();
  }

  /**
   * Starts a devnet process as its own JVM in {@code workDir} (384 MiB heap, the Vector API),
   * output appended to {@code log}, and waits for its {@code listening PORT} line. {@code jvmFlags}
   * come after those (e.g. C1-only for processes that do little Java compute).
   */
  private static ChildJvm.Started startChild(
      String name,
      Class<?> main,
      List<String> jvmFlags,
      List<String> args,
      Path workDir,
      Path log) {
    List<String> flags =
        new ArrayList<>(List.of("-Xmx384m", "--add-modules", "jdk.incubator.vector"));
    flags.addAll(jvmFlags);
    Map<String, String> env = new TreeMap<>();
    if (System.getenv("TRUSTDIAL_HOME") == null) {
      // A child runs in its own directory: tell it where the checkout (its ZK toolchain) is, when
      // we know.
      try {
        env.put("TRUSTDIAL_HOME", dev.trustdial.zk.Snarkjs.locate().home().toString());
      } catch (IllegalStateException noToolchain) {
        // The child finds none either and says so (it declines ZK jobs).
      }
    }
    return ChildJvm.Launch.of(name, main, log)
        .withJvmFlags(flags)
        .withArgs(args)
        .withWorkDir(workDir)
        .withEnv(env)
        .withTimeout(STARTUP_TIMEOUT)
        .start();
  }

  private synchronized ChildJvm.Started child(String name) {
    ChildJvm.Started s = children.get(name);
    if (s == null) {
      throw new InvalidInputException("the devnet runs no process named '" + name + "'");
    }
    return s;
  }

  private static boolean waitFor(Process p, int seconds) {
    try {
      return p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void rewriteDescriptor() {
    List<DevnetDescriptor.ProcessEntry> entries = new ArrayList<>();
    entries.add(descriptor.processes().getFirst());
    children
        .values()
        .forEach(c ->
            entries.add(DevnetDescriptor.ProcessEntry.of(c.name(), c.process().pid(), c.log())));
    descriptor =
        new DevnetDescriptor(
            descriptor.rpcUrl(),
            descriptor.chainId(),
            descriptor.contracts(),
            descriptor.accounts(),
            entries,
            descriptor.startedAt());
    try {
      descriptor.write(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(DevnetDescriptor.FILE), e);
    }
  }

  private <T> List<T> inParallel(List<java.util.concurrent.Callable<T>> tasks) {
    List<java.util.concurrent.Future<T>> futures = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (var t : tasks) {
        futures.add(pool.submit(t));
      }
    }
    List<T> out = new ArrayList<>();
    RuntimeException failure = null;
    for (var f : futures) {
      try {
        out.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        failure =
            e.getCause() instanceof RuntimeException re
                ? re
                : new IllegalStateException(e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  private static DevnetDescriptor describe(
      Anvil anvil,
      Deployment d,
      Map<String, dev.trustdial.core.crypto.Address> more,
      List<Secp256k1Key> keys,
      Path log,
      List<DevnetDescriptor.ProcessEntry> processes) {
    Map<String, String> contracts = new TreeMap<>();
    d.byName().forEach((k, v) -> contracts.put(k, v.toString()));
    more.forEach((k, v) -> contracts.put(k, v.toString()));
    List<DevnetDescriptor.Account> accounts = new ArrayList<>();
    for (Roster.Member m : Roster.all()) {
      Secp256k1Key k = keys.get(m.index());
      accounts.add(
          new DevnetDescriptor.Account(
              m.name(), k.address().toString(), k.privateKeyHex(), m.purpose()));
    }
    return new DevnetDescriptor(
        anvil.rpcUrl(),
        anvil.chainId(),
        contracts,
        accounts,
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(
                    DevnetDescriptor.ProcessEntry.of("anvil", anvil.pid(), log)),
                processes.stream())
            .toList(),
        Instant.now().toString());
  }

  public DevnetDescriptor descriptor() {
    return descriptor;
  }

  public List<TxOutcome> deployTransactions() {
    return List.copyOf(deployTxs);
  }

  public Secp256k1Key key(Roster.Member m) {
    return keys.get(m.index());
  }

  public Settlement connect(Roster.Member as) {
    return Settlement.connect(descriptor.rpcUrl(), descriptor.deployment(), key(as));
  }

  /** Leaves anvil and every child process running after this JVM exits. */
  public synchronized void detach() {
    anvil.detach();
    detached = true;
  }

  @Override
  public void close() {
    List<Process> procs;
    synchronized (this) {
      if (detached) {
        return;
      }
      procs = children.values().stream().map(ChildJvm.Started::process).toList();
    }
    procs.forEach(Process::destroy);
    for (Process p : procs) {
      if (!waitFor(p, 5)) {
        p.destroyForcibly();
      }
    }
    anvil.close();
  }

  /**
   * Stops every process of the devnet in {@code dir} and removes its descriptor; returns what it
   * stopped.
   */
  public static List<String> down(Path dir) {
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    List<String> stopped = new ArrayList<>();
    for (DevnetDescriptor.ProcessEntry p : d.processes().reversed()) {
      Optional<ProcessHandle> h = p.live();
      if (h.isPresent()) {
        h.get().destroy();
        try {
          h.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          h.get().destroyForcibly();
        }
        stopped.add(p.name() + " (pid " + p.pid() + ")");
      }
    }
    try {
      Files.deleteIfExists(dir.resolve(DevnetDescriptor.FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stopped;
  }
}
