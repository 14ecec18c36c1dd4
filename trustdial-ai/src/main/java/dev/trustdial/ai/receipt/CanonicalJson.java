package dev.trustdial.ai.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.erdtman.jcs.JsonCanonicalizer;

/** RFC 8785 (JCS) canonical JSON: sorted keys, ES6 number form, minimal escaping, UTF-8. */
public final class CanonicalJson {

  private static final ObjectMapper MAPPER = Json.mapper();

  private CanonicalJson() {}

  public static byte[] encode(JsonNode node) {
    try {
      return new JsonCanonicalizer(MAPPER.writeValueAsString(node)).getEncodedUTF8();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    } catch (IOException e) {
      // JCS rejects what I-JSON forbids (NaN, infinities, lone surrogates, duplicate keys)
      throw new InvalidInputException(
          "JSON cannot be canonicalized (RFC 8785): " + e.getMessage(), e);
    }
  }

  public static byte[] encode(String json) {
    try {
      return new JsonCanonicalizer(json).getEncodedUTF8();
    } catch (IOException e) {
      throw new InvalidInputException(
          "JSON cannot be canonicalized (RFC 8785): " + e.getMessage(), e);
    }
  }

  public static String encodeToString(JsonNode node) {
    return new String(encode(node), StandardCharsets.UTF_8);
  }
}
