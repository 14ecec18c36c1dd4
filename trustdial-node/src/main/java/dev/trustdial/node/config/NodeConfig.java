package dev.trustdial.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.Deployment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.node.operator.OperatorNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An operator's or watchtower's configuration, read from its file ({@link NodeConfigFile}; format
 * in trustdial-node/README.md) and checked. Relative paths are relative to the file. The chain is
 * either inline ({@code rpcUrl} and {@code deployment}) or a chain config file ({@code chain}, e.g.
 * the devnet's devnet.json).
 */
public record NodeConfig(
    ChainConfig chain,
    Secp256k1Key key,
    Path dataDir,
    DaSettings da,
    Duration pollInterval,
    String httpHost,
    int httpPort,
    BigInteger stakeWei,
    boolean vote,
    int maxConcurrentJobs,
    Optional<TeeSettings> tee,
    java.util.List<Path> teeSimulationRoots,
    int checkpointsInFlight,
    int checkpointFullEvery,
    long checkpointMinIntervalMs) {
  private static final long MAX_FILE_BYTES = 1 << 20;
  private static final int MAX_SIMULATION_ROOTS = 16;
  public static final int MAX_CONCURRENT_JOBS = 64;
  public static final int DEFAULT_CHECKPOINTS_IN_FLIGHT = 4;
  public static final int MAX_CHECKPOINTS_IN_FLIGHT = 64;
  public static final int DEFAULT_CHECKPOINT_FULL_EVERY = 16;

  /**
   * Every checkpoint is written unless an operator's config sets an interval (docs/CHECKPOINTS.md).
   */
  public static final long DEFAULT_CHECKPOINT_MIN_INTERVAL_MS = 0;

  /** Longer than any heartbeat window would be of use: a takeover redoes up to one interval. */
  public static final long MAX_CHECKPOINT_MIN_INTERVAL_MS = 600_000;

  /** A delta chain deeper than a restore follows (SnapshotChain.Limits.DEFAULT) is refused. */
  public static final int MAX_CHECKPOINT_FULL_EVERY =
      dev.trustdial.vm.checkpoint.SnapshotChain.Limits.DEFAULT.maxDepth();

  public NodeConfig {
    if (pollInterval.toMillis() < 50 || pollInterval.toMillis() > 60_000) {
      throw new InvalidInputException(
          "pollIntervalMillis must be 50..60000, got " + pollInterval.toMillis());
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new InvalidInputException("httpPort must be 0..65535, got " + httpPort);
    }
    if (stakeWei.signum() < 0) {
      throw new InvalidInputException("stake must not be negative");
    }
    if (maxConcurrentJobs < 1 || maxConcurrentJobs > MAX_CONCURRENT_JOBS) {
      throw new InvalidInputException(
          "maxConcurrentJobs must be 1.." + MAX_CONCURRENT_JOBS + ", got " + maxConcurrentJobs);
    }
    // the three checkpoint settings, checked together (the fields are not assigned yet here)
    new OperatorNode.Checkpoints(checkpointsInFlight, checkpointFullEvery, checkpointMinIntervalMs);
  }

  /** The checkpoint settings, checked ({@link OperatorNode.Checkpoints}). */
  public OperatorNode.Checkpoints checkpoints() {
    return new OperatorNode.Checkpoints(
        checkpointsInFlight, checkpointFullEvery, checkpointMinIntervalMs);
  }

  public String rpcUrl() {
    return chain.rpcUrl();
  }

  public Deployment deployment() {
    return chain.deployment();
  }

  public static NodeConfig read(Path file) {
    NodeConfigFile f =
        Json.readFile(
            file, MAX_FILE_BYTES, "node config", NodeConfigFile.class, NodeConfigFile.SHAPES);
    Path base = file.toAbsolutePath().getParent();
    ChainConfig chain = chain(f, base, file);
    chain.deployment(); // names every settlement contract, or says which is missing
    NodeConfigFile.Da da = f.da();
    if (da == null) {
      throw new InvalidInputException(
          "node config "
              + file
              + " needs a 'da' object ({\"source\": \"chain\"} or operators and certs)");
    }
    int bps = or(da.thresholdBps(), 6667);
    Duration retention = Duration.ofSeconds(or(da.retentionSeconds(), 14L * 24 * 3600));
    String source = or(da.source(), "local");
    DaSettings daSettings =
        switch (source) {
          case "chain" -> new DaSettings.OnChain(chain, bps, retention);
          case "local" ->
              new DaSettings.Local(
                  base.resolve(required(da.operators(), "operators", file)),
                  base.resolve(required(da.certs(), "certs", file)),
                  bps,
                  retention);
          default ->
              throw new InvalidInputException(
                  "node config "
                      + file
                      + ": da.source must be 'chain' or 'local', got '"
                      + source
                      + "'");
        };
    String stake = or(f.stake(), "200");
    BigInteger stakeWei;
    try {
      stakeWei = new java.math.BigDecimal(stake).movePointRight(18).toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidInputException(
          "node config " + file + ": stake '" + stake + "' is not a token amount");
    }
    return new NodeConfig(
        chain,
        Secp256k1Key.fromPrivateKeyHex(required(f.privateKey(), "privateKey", file)),
        base.resolve(required(f.dataDir(), "dataDir", file)),
        daSettings,
        Duration.ofMillis(or(f.pollIntervalMillis(), 500L)),
        or(f.httpHost(), "127.0.0.1"),
        or(f.httpPort(), 0),
        stakeWei,
        or(f.vote(), true),
        or(f.maxConcurrentJobs(), 4),
        tee(f.tee(), base, file),
        simulationRoots(f.teeSimulationRoots(), base, file),
        or(f.checkpointsInFlight(), DEFAULT_CHECKPOINTS_IN_FLIGHT),
        or(f.checkpointFullEvery(), DEFAULT_CHECKPOINT_FULL_EVERY),
        or(f.checkpointMinIntervalMs(), DEFAULT_CHECKPOINT_MIN_INTERVAL_MS));
  }

  /**
   * {@code "teeSimulationRoots": [FILE, ...]} (watchtowers, dev only): simulated TEE installs whose
   * evidence TEE answers may carry; without it only hardware evidence under the pinned roots
   * verifies.
   */
  private static java.util.List<Path> simulationRoots(
      java.util.List<String> roots, Path base, Path file) {
    if (roots == null) {
      return java.util.List.of();
    }
    if (roots.size() > MAX_SIMULATION_ROOTS) {
      throw new InvalidInputException(
          "node config "
              + file
              + ": teeSimulationRoots must be an array of at most "
              + MAX_SIMULATION_ROOTS
              + " file names");
    }
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (String r : roots) {
      if (r == null || r.isBlank()) {
        throw new InvalidInputException(
            "node config " + file + ": teeSimulationRoots holds a non-string or empty entry");
      }
      out.add(base.resolve(r));
    }
    return java.util.List.copyOf(out);
  }

  /**
   * {@code "tee": {"install": DIR, "kms": URL}}: this operator runs TEE jobs on that simulated
   * install with that KMS.
   */
  private static Optional<TeeSettings> tee(NodeConfigFile.Tee t, Path base, Path file) {
    if (t == null) {
      return Optional.empty();
    }
    URI kms;
    try {
      kms = new URI(required(t.kms(), "kms", file));
    } catch (URISyntaxException e) {
      throw new InvalidInputException(
          "node config " + file + ": tee.kms is not a URL: " + e.getMessage());
    }
    if (!"http".equals(kms.getScheme()) && !"https".equals(kms.getScheme())) {
      throw new InvalidInputException(
          "node config " + file + ": tee.kms must be an http(s) URL, got " + kms);
    }
    return Optional.of(new TeeSettings(base.resolve(required(t.install(), "install", file)), kms));
  }

  private static ChainConfig chain(NodeConfigFile f, Path base, Path file) {
    if (f.chain() != null) {
      if (f.rpcUrl() != null || f.deployment() != null) {
        throw new InvalidInputException(
            "node config "
                + file
                + ": give either 'chain' (a chain config file) or 'rpcUrl' and 'deployment', not both");
      }
      if (f.chain().isBlank()) {
        throw new InvalidInputException(
            "node config "
                + file
                + ": 'chain' must name a chain config file (such as devnet.json)");
      }
      return ChainConfig.read(base.resolve(f.chain()));
    }
    Map<String, JsonNode> dep = f.deployment();
    if (dep == null) {
      throw new InvalidInputException(
          "node config "
              + file
              + " needs 'chain' (a chain config file) or a 'deployment' object (chainId and contract addresses)");
    }
    Map<String, Address> addresses = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : dep.entrySet()) {
      if (!e.getKey().equals("chainId")) {
        addresses.put(e.getKey(), Address.parse(e.getValue().asText()));
      }
    }
    JsonNode chainId = dep.get("chainId");
    if (chainId == null || !chainId.canConvertToLong()) {
      throw new InvalidInputException(
          "node config " + file + ": deployment.chainId must be a number");
    }
    return new ChainConfig(required(f.rpcUrl(), "rpcUrl", file), chainId.asLong(), addresses);
  }

  private static String required(String value, String field, Path file) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(
          "node config " + file + " needs a string field '" + field + "'");
    }
    return value;
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }
}
