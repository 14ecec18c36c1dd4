package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.chain.ChainConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A DA node's configuration, read from its file ({@link DaNodeConfigFile}): {@code privateKey},
 * {@code host}, {@code port}, {@code dataDir}, the operator set from either {@code operators} (path
 * of an operator set file) or {@code chain} (path of a chain config naming StakeRegistry and
 * BlobRegistry, e.g. the devnet's devnet.json), {@code sweepIntervalSeconds}, {@code
 * maxRetentionSeconds}, the upload budget ({@code uploadBudgetBytes}, {@code uploadWaitSeconds})
 * and the pending limits ({@code pendingBytesPerUploader}, {@code pendingBytesTotal}, {@code
 * pendingWindowSeconds}; docs/spec/da.md §7.1). Relative paths are relative to the configuration
 * file.
 */
public record DaNodeConfig(
    Secp256k1Key key,
    String host,
    int port,
    Path dataDir,
    OperatorOrigin operators,
    Duration sweepInterval,
    Duration maxRetention,
    UploadLimits uploads,
    PendingLimits pending) {
  /**
   * Where the node learns the operator set, which also decides the domain it signs attestations
   * for.
   */
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

  private static final long MAX_FILE_BYTES = 1 << 20;

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
    DaNodeConfigFile f =
        Json.readFile(
            file, MAX_FILE_BYTES, "DA node config", DaNodeConfigFile.class, java.util.Map.of());
    Path base = file.toAbsolutePath().getParent();
    String key = required(f.privateKey(), "privateKey", file);
    OperatorOrigin origin;
    if (f.chain() != null) {
      origin =
          new OperatorOrigin.Chain(
              ChainConfig.read(base.resolve(required(f.chain(), "chain", file))));
    } else {
      origin =
          new OperatorOrigin.Fixed(
              OperatorSetFile.read(base.resolve(required(f.operators(), "operators", file))));
    }
    String data = required(f.dataDir(), "dataDir", file);
    UploadLimits uploads;
    PendingLimits pending;
    try {
      uploads =
          new UploadLimits(
              or(f.uploadBudgetBytes(), UploadLimits.DEFAULT.inFlightBytes()),
              Duration.ofSeconds(
                  or(f.uploadWaitSeconds(), UploadLimits.DEFAULT.maxWait().toSeconds())));
      pending =
          new PendingLimits(
              or(f.pendingBytesPerUploader(), PendingLimits.DEFAULT.bytesPerUploader()),
              or(f.pendingBytesTotal(), PendingLimits.DEFAULT.bytesTotal()),
              Duration.ofSeconds(
                  or(f.pendingWindowSeconds(), PendingLimits.DEFAULT.window().toSeconds())));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("DA node config " + file + ": " + e.getMessage(), e);
    }
    return new DaNodeConfig(
        Secp256k1Key.fromPrivateKeyHex(key),
        or(f.host(), "127.0.0.1"),
        or(f.port(), 0),
        base.resolve(data),
        origin,
        Duration.ofSeconds(or(f.sweepIntervalSeconds(), 60L)),
        Duration.ofSeconds(or(f.maxRetentionSeconds(), 14L * 24 * 3600)),
        uploads,
        pending);
  }

  private static String required(String value, String field, Path file) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(
          "DA node config " + file + " needs a string field '" + field + "'");
    }
    return value;
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }
}
