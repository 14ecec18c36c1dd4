package dev.trustdial.node.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An operator's or watchtower's config file as written (trustdial-node/README.md, "Config"): what
 * Jackson binds from the file and what the devnet writes with the shared mapper. A field left out
 * is {@code null} here and takes its default in {@link NodeConfig#read}; an unknown field is
 * refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeConfigFile(
    String chain,
    String rpcUrl,
    Map<String, JsonNode> deployment,
    String privateKey,
    String dataDir,
    Da da,
    Long pollIntervalMillis,
    String httpHost,
    Integer httpPort,
    String stake,
    Boolean vote,
    Integer maxConcurrentJobs,
    Tee tee,
    List<String> teeSimulationRoots,
    Integer checkpointsInFlight,
    Integer checkpointFullEvery,
    Long checkpointMinIntervalMs) {

  /**
   * What a field of the wrong shape is told (the rest get "'FIELD' must be a string/number/...").
   */
  static final Map<String, String> SHAPES =
      Map.of(
          "da", "needs a 'da' object ({\"source\": \"chain\"} or operators and certs)",
          "deployment",
              "needs 'chain' (a chain config file) or a 'deployment' object (chainId and contract addresses)",
          "chain", "'chain' must name a chain config file (such as devnet.json)",
          "tee", "'tee' must be an object {\"install\": DIR, \"kms\": URL}",
          "teeSimulationRoots", "teeSimulationRoots must be an array of at most 16 file names",
          "teeSimulationRoots[]", "teeSimulationRoots holds a non-string or empty entry",
          "vote", "vote must be true or false");

  /**
   * {@code "da"}: {@code source} "chain" (BlobRegistry and the onchain DA operators) or "local"
   * (operators and certs).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Da(
      String source, String operators, String certs, Integer thresholdBps, Long retentionSeconds) {
    /** The DA network registered on the chain. */
    public static Da onChain(int thresholdBps, long retentionSeconds) {
      return new Da("chain", null, null, thresholdBps, retentionSeconds);
    }
  }

  /** {@code "tee"}: the simulated TEE install directory and the KMS URL. */
  public record Tee(String install, String kms) {}
}
