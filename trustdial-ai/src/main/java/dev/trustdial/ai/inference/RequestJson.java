package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.json.Json;

/** JSON helpers for the server. */
final class RequestJson {
  static final ObjectMapper MAPPER = Json.mapper();

  private RequestJson() {}

  /** A JSON tree as plain maps/lists/values, for templates. */
  static Object toPlain(JsonNode n) {
    return MAPPER.convertValue(n, Object.class);
  }
}
