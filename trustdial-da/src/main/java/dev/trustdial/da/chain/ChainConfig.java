package dev.trustdial.da.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.Deployment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.cert.AttestationDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How to reach the settlement chain: {@code {"rpcUrl": .., "chainId": .., "contracts":
 * {"StakeRegistry": "0x..", .., "BlobRegistry": "0x.."}}}, the shape of the devnet descriptor
 * (devnet.json), so it can be passed as is.
 */
public record ChainConfig(String rpcUrl, long chainId, Map<String, Address> contracts) {
  public ChainConfig {
    contracts = Map.copyOf(contracts);
    if (!rpcUrl.startsWith("http://") && !rpcUrl.startsWith("https://")) {
      throw new InvalidInputException("rpcUrl must be an http(s) URL, got '" + rpcUrl + "'");
    }
  }

  public static ChainConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("chain config not found: " + file);
    }
    try {
      if (Files.size(file) > 1 << 20) {
        throw new InvalidInputException("chain config " + file + " exceeds 1 MiB");
      }
      return parse(Json.mapper().readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new InvalidInputException(
          "chain config " + file + " is not JSON: " + e.getMessage(), e);
    }
  }

  public static ChainConfig parse(JsonNode n, String where) {
    String rpc = n.path("rpcUrl").asText("");
    long chainId = n.path("chainId").asLong(-1);
    if (rpc.isBlank() || chainId < 0 || !n.path("contracts").isObject()) {
      throw new InvalidInputException(
          where + ": a chain config needs rpcUrl, chainId and contracts");
    }
    Map<String, Address> m = new TreeMap<>();
    n.path("contracts")
        .properties()
        .forEach(e -> m.put(e.getKey(), Address.parse(e.getValue().asText())));
    return new ChainConfig(rpc, chainId, m);
  }

  public Deployment deployment() {
    return Deployment.fromNames(chainId, contracts);
  }

  public Optional<Address> blobRegistry() {
    return Optional.ofNullable(contracts.get("BlobRegistry"));
  }

  public Address stakeRegistry() {
    return Optional.ofNullable(contracts.get("StakeRegistry"))
        .orElseThrow(
            () -> new InvalidInputException("the chain config names no StakeRegistry contract"));
  }

  /**
   * The domain DA attestations on this chain are signed for: this chain id and its BlobRegistry.
   */
  public AttestationDomain attestationDomain() {
    Address registry =
        blobRegistry()
            .orElseThrow(() ->
                new InvalidInputException(
                    "the chain config names no BlobRegistry contract, the verifier DA attestations are signed for"));
    return new AttestationDomain(chainId, registry);
  }
}
