package dev.trustdial.chain.tx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ABIs of our contracts, copied into this module's resources at build time by
 * generate-wrappers.sh, and the 4-byte selectors of their functions and errors.
 */
public final class Abis {
  private static final String DIR = "/dev/trustdial/chain/abi/";

  private Abis() {}

  /**
   * Every contract's ABI (a JSON array) by contract name; empty when the ABIs are not on the
   * classpath.
   */
  public static Map<String, JsonNode> all() {
    ObjectMapper json = Json.mapper();
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (InputStream index = Abis.class.getResourceAsStream(DIR + "index.txt")) {
      if (index == null) {
        return out;
      }
      for (String contract :
          new String(index.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(s -> !s.isBlank())
              .toList()) {
        try (InputStream in = Abis.class.getResourceAsStream(DIR + contract + ".json")) {
          if (in != null) {
            out.put(contract, json.readTree(in));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the contract ABIs", e);
    }
    return out;
  }

  /**
   * The canonical types of an ABI item's inputs: tuples spelled out as (t1,t2,...) with any array
   * suffix kept.
   */
  public static List<String> inputTypes(JsonNode item) {
    List<String> types = new ArrayList<>();
    for (JsonNode input : item.path("inputs")) {
      types.add(canonical(input));
    }
    return types;
  }

  /** The first 4 bytes of keccak256("name(types)"), as 8 lowercase hex digits. */
  public static String selector(JsonNode item) {
    String sig = item.path("name").asText() + "(" + String.join(",", inputTypes(item)) + ")";
    return Hex.encodeBare(Hashes.keccak256(sig.getBytes(StandardCharsets.US_ASCII)).bytes())
        .substring(0, 8);
  }

  private static String canonical(JsonNode param) {
    String type = param.path("type").asText();
    if (!type.startsWith("tuple")) {
      return type;
    }
    List<String> inner = new ArrayList<>();
    for (JsonNode c : param.path("components")) {
      inner.add(canonical(c));
    }
    return "(" + String.join(",", inner) + ")" + type.substring("tuple".length());
  }
}
