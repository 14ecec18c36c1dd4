package dev.trustdial.cli.devnet;

import dev.trustdial.chain.Deployment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

  private final Anvil anvil;
  private final List<Process> daNodes;
  private DevnetDescriptor descriptor;
  private final List<TxOutcome> deployTxs;
  private final List<Secp256k1Key> keys;

  private Devnet(Anvil anvil, List<Process> daNodes, DevnetDescriptor descriptor, List<TxOutcome> deployTxs, List<Secp256k1Key> keys) {
    this.anvil = anvil;
    this.daNodes = daNodes;
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
        throw new InvalidInputException("a devnet is already running in " + dir + " (" + p.name() + " pid " + p.pid()
            + " at " + d.rpcUrl() + "); stop it with 'trustdial devnet down --dir " + dir + "' or pick another --dir");
      }
    }
  }

  /** Starts anvil, deploys and wires the contracts, funds the roster, and starts {@code daNodes} DA nodes (0..4). */
  public static Devnet start(Path dir, int blockTimeSeconds, int daNodes, Consumer<String> progress) {
    if (daNodes < 0 || daNodes > MAX_DA_NODES) {
      throw new InvalidInputException("--da-nodes must be within 0.." + MAX_DA_NODES + ", got " + daNodes);
    }
    checkFree(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidInputException("cannot create the devnet directory " + dir + ": " + e.getMessage(), e);
    }
    progress.accept("starting anvil (pinned " + "1.7.1" + ") on a free loopback port");
    Path log = dir.resolve("anvil.log");
    Anvil anvil = Anvil.start(new Anvil.Options(0, blockTimeSeconds, Roster.ACCOUNTS, Anvil.DEVNET_CHAIN_ID, log));
    List<Process> nodes = new ArrayList<>();
    try {
      List<Secp256k1Key> keys = anvil.devKeys();
      SettlementDeployer.Result r = SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(Roster.DEPLOYER.index()),
          SettlementDeployer.Config.devnet(), progress);
      List<TxOutcome> txs = new ArrayList<>(r.transactions());
      progress.accept("funding " + (Roster.all().size() - 1) + " accounts with " + Tokens.format(FAUCET) + " each");
      try (Settlement owner = Settlement.connect(anvil.rpcUrl(), r.deployment(), keys.get(Roster.DEPLOYER.index()))) {
        for (Roster.Member m : Roster.all()) {
          if (m != Roster.DEPLOYER) {
            txs.add(owner.mint(keys.get(m.index()).address(), FAUCET));
          }
        }
        txs.add(owner.setAllowlisted(keys.get(Roster.DEVELOPER.index()).address(), true));
      }
      SettlementDeployer.Deployed blobs = SettlementDeployer.deployBlobRegistry(anvil.rpcUrl(), keys.get(Roster.DEPLOYER.index()),
          r.deployment(), DA_THRESHOLD_BPS, 256);
      txs.add(blobs.tx());
      DevnetDescriptor d = describe(anvil, r.deployment(), blobs.address(), keys, log, List.of());
      d.write(dir);
      List<DevnetDescriptor.ProcessEntry> entries = new ArrayList<>(d.processes());
      if (daNodes > 0) {
        progress.accept("starting " + daNodes + " DA nodes (one JVM each), registering them with the DA role and " + Tokens.format(DA_STAKE) + " stake");
      }
      for (Roster.Member m : Roster.DA_NODES.subList(0, daNodes)) {
        Secp256k1Key k = keys.get(m.index());
        DaNodeProcesses.Started node = DaNodeProcesses.start(m.name(), k, dir, java.time.Duration.ofSeconds(90));
        nodes.add(node.process());
        entries.add(DevnetDescriptor.ProcessEntry.of(m.name(), node.process().pid(), node.log()));
        try (Settlement op = Settlement.connect(anvil.rpcUrl(), r.deployment(), k)) {
          txs.add(op.register(java.util.EnumSet.of(dev.trustdial.chain.Role.DA), k.address(), "http://127.0.0.1:" + node.port()));
          txs.add(op.deposit(DA_STAKE));
        }
        progress.accept(m.name() + " listening on 127.0.0.1:" + node.port());
      }
      d = new DevnetDescriptor(d.rpcUrl(), d.chainId(), d.contracts(), d.accounts(), entries, d.startedAt());
      d.write(dir);
      return new Devnet(anvil, nodes, d, txs, keys);
    } catch (RuntimeException | IOException e) {
      nodes.forEach(Process::destroyForcibly);
      anvil.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  private static DevnetDescriptor describe(Anvil anvil, Deployment d, dev.trustdial.core.crypto.Address blobRegistry,
      List<Secp256k1Key> keys, Path log, List<DevnetDescriptor.ProcessEntry> more) {
    Map<String, String> contracts = new TreeMap<>();
    d.byName().forEach((k, v) -> contracts.put(k, v.toString()));
    contracts.put("BlobRegistry", blobRegistry.toString());
    List<DevnetDescriptor.Account> accounts = new ArrayList<>();
    for (Roster.Member m : Roster.all()) {
      Secp256k1Key k = keys.get(m.index());
      accounts.add(new DevnetDescriptor.Account(m.name(), k.address().toString(), k.privateKeyHex(), m.purpose()));
    }
    return new DevnetDescriptor(anvil.rpcUrl(), anvil.chainId(), contracts, accounts,
        java.util.stream.Stream.concat(java.util.stream.Stream.of(DevnetDescriptor.ProcessEntry.of("anvil", anvil.pid(), log)), more.stream()).toList(),
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

  /** Leaves anvil and the DA nodes running after this JVM exits. */
  public void detach() {
    anvil.detach();
    daNodes.clear();
  }

  @Override
  public void close() {
    for (Process p : daNodes) {
      p.destroy();
    }
    for (Process p : daNodes) {
      try {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    daNodes.clear();
    anvil.close();
  }

  /** Stops every process of the devnet in {@code dir} and removes its descriptor; returns what it stopped. */
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
