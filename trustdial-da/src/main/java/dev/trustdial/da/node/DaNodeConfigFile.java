package dev.trustdial.da.node;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A DA node's config file as written (docs/spec/da.md, "Node configuration"): what Jackson binds
 * from the file and what {@code trustdial devnet up} and {@code trustdial da init-local} write with
 * the shared mapper. A field left out is {@code null} here and takes its default in {@link
 * DaNodeConfig#read}; an unknown field is refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DaNodeConfigFile(
    String privateKey,
    String host,
    Integer port,
    String dataDir,
    String operators,
    String chain,
    Long sweepIntervalSeconds,
    Long maxRetentionSeconds,
    Long uploadBudgetBytes,
    Long uploadWaitSeconds,
    Long pendingBytesPerUploader,
    Long pendingBytesTotal,
    Long pendingWindowSeconds) {

  /**
   * A node that takes its operator set from a fixed file ({@code operators}), with default limits.
   */
  public static DaNodeConfigFile fixedSet(
      String privateKey,
      String host,
      int port,
      String dataDir,
      String operators,
      long sweepIntervalSeconds,
      long maxRetentionSeconds) {
    return new DaNodeConfigFile(
        privateKey,
        host,
        port,
        dataDir,
        operators,
        null,
        sweepIntervalSeconds,
        maxRetentionSeconds,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * A node that takes its operator set from a chain config file ({@code chain}), with default
   * limits.
   */
  public static DaNodeConfigFile onChain(
      String privateKey,
      String host,
      int port,
      String dataDir,
      String chain,
      long sweepIntervalSeconds,
      long maxRetentionSeconds) {
    return new DaNodeConfigFile(
        privateKey,
        host,
        port,
        dataDir,
        null,
        chain,
        sweepIntervalSeconds,
        maxRetentionSeconds,
        null,
        null,
        null,
        null,
        null);
  }
}
