package dev.trustdial.da.assignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a fixed operator set, for networks without a chain: {@code {"referenceBlock": 0,
 * "operators": [{"address": "0x..", "stake": "100", "endpoint": "http://.."}]}}.
 */
public final class OperatorSetFile {
  private static final ObjectMapper JSON = Json.mapper();
  private static final long MAX_FILE_BYTES = 1 << 20;

  private OperatorSetFile() {}

  public static OperatorSet read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new InvalidInputException("operator set file not found: " + file);
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InvalidInputException("operator set file " + file + " exceeds 1 MiB");
      }
      return parse(JSON.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read operator set " + file + ": " + e.getMessage(), e);
    }
  }

  public static OperatorSet parse(JsonNode root, String where) {
    JsonNode ops = root.path("operators");
    if (!ops.isArray()) {
      throw new InvalidInputException(where + ": 'operators' must be an array");
    }
    List<Operator> list = new ArrayList<>();
    for (JsonNode o : ops) {
      String addr = o.path("address").asText("");
      String stake = o.path("stake").asText("");
      String endpoint = o.path("endpoint").asText("");
      BigInteger s;
      try {
        s = new BigInteger(stake);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            where + ": stake of " + addr + " is not an integer: '" + stake + "'");
      }
      URI uri;
      try {
        uri = new URI(endpoint);
      } catch (URISyntaxException e) {
        throw new InvalidInputException(
            where + ": endpoint of " + addr + " is not a URL: '" + endpoint + "'");
      }
      list.add(new Operator(Address.parse(addr), s, uri));
    }
    return new OperatorSet(root.path("referenceBlock").asLong(0), list);
  }

  public static void write(OperatorSet set, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("referenceBlock", set.referenceBlock());
    ArrayNode ops = root.putArray("operators");
    for (Operator o : set.operators()) {
      ops.addObject()
          .put("address", o.signer().toString())
          .put("stake", o.stake().toString())
          .put("endpoint", o.endpoint().toString());
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }
}
