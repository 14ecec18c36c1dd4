package dev.trustdial.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.Deployment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.chain.ChainConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An operator's or watchtower's configuration file (JSON; format in trustdial-node/README.md).
 * Relative paths are relative to the file. The chain is either inline ({@code rpcUrl} and
 * {@code deployment}) or a chain config file ({@code chain}, e.g. the devnet's devnet.json).
 */
public record NodeConfig(ChainConfig chain, Secp256k1Key key, Path dataDir, DaSettings da,
    Duration pollInterval, String httpHost, int httpPort, BigInteger stakeWei, boolean vote, int maxConcurrentJobs,
    Optional<TeeSettings> tee, java.util.List<Path> teeSimulationRoots) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_FILE_BYTES = 1 << 20;
  public static final int MAX_CONCURRENT_JOBS = 64;

  public NodeConfig {
    if (pollInterval.toMillis() < 50 || pollInterval.toMillis() > 60_000) {
      throw new InvalidInputException("pollIntervalMillis must be 50..60000, got " + pollInterval.toMillis());
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new InvalidInputException("httpPort must be 0..65535, got " + httpPort);
    }
    if (stakeWei.signum() < 0) {
      throw new InvalidInputException("stake must not be negative");
    }
    if (maxConcurrentJobs < 1 || maxConcurrentJobs > MAX_CONCURRENT_JOBS) {
      throw new InvalidInputException("maxConcurrentJobs must be 1.." + MAX_CONCURRENT_JOBS + ", got " + maxConcurrentJobs);
    }
  }

  public String rpcUrl() {
    return chain.rpcUrl();
  }

  public Deployment deployment() {
    return chain.deployment();
  }

  public static NodeConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("node config not found: " + file);
    }
    JsonNode root;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InvalidInputException("node config " + file + " exceeds 1 MiB");
      }
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException("node config " + file + " is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("node config " + file + " must be a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    ChainConfig chain = chain(root, base, file);
    chain.deployment(); // names every settlement contract, or says which is missing
    JsonNode da = root.get("da");
    if (da == null || !da.isObject()) {
      throw new InvalidInputException("node config " + file + " needs a 'da' object ({\"source\": \"chain\"} or operators and certs)");
    }
    int bps = da.path("thresholdBps").asInt(6667);
    Duration retention = Duration.ofSeconds(da.path("retentionSeconds").asLong(14 * 24 * 3600));
    String source = da.path("source").asText("local");
    DaSettings daSettings = switch (source) {
      case "chain" -> new DaSettings.OnChain(chain, bps, retention);
      case "local" -> new DaSettings.Local(base.resolve(required(da, "operators", file)), base.resolve(required(da, "certs", file)), bps, retention);
      default -> throw new InvalidInputException("node config " + file + ": da.source must be 'chain' or 'local', got '" + source + "'");
    };
    String stake = root.path("stake").asText("200");
    BigInteger stakeWei;
    try {
      stakeWei = new java.math.BigDecimal(stake).movePointRight(18).toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidInputException("node config " + file + ": stake '" + stake + "' is not a token amount");
    }
    JsonNode vote = root.path("vote");
    if (!vote.isMissingNode() && !vote.isBoolean()) {
      throw new InvalidInputException("node config " + file + ": vote must be true or false");
    }
    return new NodeConfig(
        chain,
        Secp256k1Key.fromPrivateKeyHex(required(root, "privateKey", file)),
        base.resolve(required(root, "dataDir", file)),
        daSettings,
        Duration.ofMillis(root.path("pollIntervalMillis").asLong(500)),
        root.path("httpHost").asText("127.0.0.1"),
        root.path("httpPort").asInt(0),
        stakeWei,
        vote.asBoolean(true),
        root.path("maxConcurrentJobs").asInt(4),
        tee(root, base, file),
        simulationRoots(root, base, file));
  }

  /**
   * {@code "teeSimulationRoots": [FILE, ...]} (watchtowers, dev only): simulated TEE installs whose
   * evidence TEE answers may carry; without it only hardware evidence under the pinned roots verifies.
   */
  private static java.util.List<Path> simulationRoots(JsonNode root, Path base, Path file) {
    JsonNode r = root.get("teeSimulationRoots");
    if (r == null || r.isNull()) {
      return java.util.List.of();
    }
    if (!r.isArray() || r.size() > 16) {
      throw new InvalidInputException("node config " + file + ": teeSimulationRoots must be an array of at most 16 file names");
    }
    java.util.List<Path> out = new java.util.ArrayList<>();
    for (JsonNode n : r) {
      if (!n.isTextual() || n.asText().isBlank()) {
        throw new InvalidInputException("node config " + file + ": teeSimulationRoots holds a non-string or empty entry");
      }
      out.add(base.resolve(n.asText()));
    }
    return java.util.List.copyOf(out);
  }

  /** {@code "tee": {"install": DIR, "kms": URL}}: this operator runs TEE jobs on that simulated install with that KMS. */
  private static Optional<TeeSettings> tee(JsonNode root, Path base, Path file) {
    JsonNode t = root.get("tee");
    if (t == null || t.isNull()) {
      return Optional.empty();
    }
    if (!t.isObject()) {
      throw new InvalidInputException("node config " + file + ": 'tee' must be an object {\"install\": DIR, \"kms\": URL}");
    }
    URI kms;
    try {
      kms = new URI(required(t, "kms", file));
    } catch (URISyntaxException e) {
      throw new InvalidInputException("node config " + file + ": tee.kms is not a URL: " + e.getMessage());
    }
    if (!"http".equals(kms.getScheme()) && !"https".equals(kms.getScheme())) {
      throw new InvalidInputException("node config " + file + ": tee.kms must be an http(s) URL, got " + kms);
    }
    return Optional.of(new TeeSettings(base.resolve(required(t, "install", file)), kms));
  }

  private static ChainConfig chain(JsonNode root, Path base, Path file) {
    JsonNode chainFile = root.get("chain");
    if (chainFile != null) {
      if (root.has("rpcUrl") || root.has("deployment")) {
        throw new InvalidInputException("node config " + file + ": give either 'chain' (a chain config file) or 'rpcUrl' and 'deployment', not both");
      }
      if (!chainFile.isTextual() || chainFile.asText().isBlank()) {
        throw new InvalidInputException("node config " + file + ": 'chain' must name a chain config file (such as devnet.json)");
      }
      return ChainConfig.read(base.resolve(chainFile.asText()));
    }
    JsonNode dep = root.get("deployment");
    if (dep == null || !dep.isObject()) {
      throw new InvalidInputException("node config " + file + " needs 'chain' (a chain config file) or a 'deployment' object (chainId and contract addresses)");
    }
    Map<String, Address> addresses = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = dep.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("chainId")) {
        addresses.put(e.getKey(), Address.parse(e.getValue().asText()));
      }
    }
    if (!dep.path("chainId").canConvertToLong()) {
      throw new InvalidInputException("node config " + file + ": deployment.chainId must be a number");
    }
    return new ChainConfig(required(root, "rpcUrl", file), dep.get("chainId").asLong(), addresses);
  }

  private static String required(JsonNode node, String field, Path file) {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new InvalidInputException("node config " + file + " needs a string field '" + field + "'");
    }
    return n.asText();
  }
}
