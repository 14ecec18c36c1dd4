package dev.trustdial.da.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.chain.ChainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A DA node's configuration file (JSON): {@code privateKey}, {@code host}, {@code port},
 * {@code dataDir}, the operator set from either {@code operators} (path of an operator set file)
 * or {@code chain} (path of a chain config naming StakeRegistry and BlobRegistry, e.g. the devnet's
 * devnet.json), {@code sweepIntervalSeconds},
 * {@code maxRetentionSeconds}, the upload budget ({@code uploadBudgetBytes}, {@code uploadWaitSeconds})
 * and the pending limits ({@code pendingBytesPerUploader}, {@code pendingBytesTotal},
 * {@code pendingWindowSeconds}; docs/spec/da.md §7.1). Relative paths are relative to the configuration file.
 */
public record DaNodeConfig(Secp256k1Key key, String host, int port, Path dataDir, OperatorOrigin operators,
    Duration sweepInterval, Duration maxRetention, UploadLimits uploads, PendingLimits pending) {
  /** Where the node learns the operator set, which also decides the domain it signs attestations for. */
  public sealed interface OperatorOrigin {
    /** Local mode: a fixed set; attestations in the local domain. */
    record Fixed(OperatorSet set) implements OperatorOrigin {
      @Override
      public AttestationDomain domain() {
        return AttestationDomain.LOCAL;
      }
    }

    /** StakeRegistry on a chain; attestations for that chain's BlobRegistry. */
    record Chain(ChainConfig chain) implements OperatorOrigin {
      public Chain {
        chain.attestationDomain(); // a chain config without a BlobRegistry cannot be signed for
      }

      @Override
      public AttestationDomain domain() {
        return chain.attestationDomain();
      }
    }

    AttestationDomain domain();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public DaNodeConfig {
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("port must be 0..65535, got " + port);
    }
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new InvalidInputException("sweepIntervalSeconds must be > 0");
    }
    if (maxRetention.isNegative() || maxRetention.isZero()) {
      throw new InvalidInputException("maxRetentionSeconds must be > 0");
    }
  }

  public static DaNodeConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("DA node config not found: " + file);
    }
    JsonNode root;
    try {
      if (Files.size(file) > 1 << 20) {
        throw new InvalidInputException("DA node config " + file + " exceeds 1 MiB");
      }
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException("DA node config " + file + " is not JSON: " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    String key = required(root, "privateKey", file);
    OperatorOrigin origin;
    if (root.hasNonNull("chain")) {
      origin = new OperatorOrigin.Chain(ChainConfig.read(base.resolve(required(root, "chain", file))));
    } else {
      origin = new OperatorOrigin.Fixed(OperatorSetFile.read(base.resolve(required(root, "operators", file))));
    }
    String data = required(root, "dataDir", file);
    UploadLimits uploads;
    PendingLimits pending;
    try {
      uploads = new UploadLimits(root.path("uploadBudgetBytes").asLong(UploadLimits.DEFAULT.inFlightBytes()),
          Duration.ofSeconds(root.path("uploadWaitSeconds").asLong(UploadLimits.DEFAULT.maxWait().toSeconds())));
      pending = new PendingLimits(
          root.path("pendingBytesPerUploader").asLong(PendingLimits.DEFAULT.bytesPerUploader()),
          root.path("pendingBytesTotal").asLong(PendingLimits.DEFAULT.bytesTotal()),
          Duration.ofSeconds(root.path("pendingWindowSeconds").asLong(PendingLimits.DEFAULT.window().toSeconds())));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("DA node config " + file + ": " + e.getMessage(), e);
    }
    return new DaNodeConfig(
        Secp256k1Key.fromPrivateKeyHex(key),
        root.path("host").asText("127.0.0.1"),
        root.path("port").asInt(0),
        base.resolve(data),
        origin,
        Duration.ofSeconds(root.path("sweepIntervalSeconds").asLong(60)),
        Duration.ofSeconds(root.path("maxRetentionSeconds").asLong(14 * 24 * 3600)),
        uploads,
        pending);
  }

  private static String required(JsonNode root, String field, Path file) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new InvalidInputException("DA node config " + file + " needs a string field '" + field + "'");
    }
    return n.asText();
  }
}
