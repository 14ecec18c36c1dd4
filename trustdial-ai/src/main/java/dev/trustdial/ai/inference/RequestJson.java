package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON helpers for the server. */
final class RequestJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private RequestJson() {}

  /** A JSON tree as plain maps/lists/values, for templates. */
  static Object toPlain(JsonNode n) {
    return MAPPER.convertValue(n, Object.class);
  }
}
