package dev.trustdial.tee.tdx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.json.Json;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Strict field access for Intel PCS JSON (TCB info, QE identity, collateral bundles). */
final class IntelJson {
  static final int MAX_JSON_BYTES = 1024 * 1024;

  private static final ObjectMapper MAPPER = Json.builder(16).build();

  private final JsonNode node;
  private final String where;

  private IntelJson(JsonNode node, String where) {
    this.node = node;
    this.where = where;
  }

  static IntelJson parse(String text, String what) throws VerificationFailedException {
    if (text.length() > MAX_JSON_BYTES) {
      throw malformed(what + " is over " + MAX_JSON_BYTES + " bytes");
    }
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || !n.isObject()) {
        throw malformed(what + " is not a JSON object");
      }
      return new IntelJson(n, what);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw malformed(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private JsonNode field(String name) throws VerificationFailedException {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw malformed(where + " lacks " + name);
    }
    return v;
  }

  boolean has(String name) {
    return node.hasNonNull(name);
  }

  String text(String name) throws VerificationFailedException {
    JsonNode v = field(name);
    if (!v.isTextual()) {
      throw malformed(where + "." + name + " is not a string");
    }
    return v.textValue();
  }

  byte[] hex(String name, int len) throws VerificationFailedException {
    String s = text(name);
    if (s.length() != 2 * len || s.startsWith("0x")) {
      throw malformed(where + "." + name + " must be " + len + " bytes of hex");
    }
    try {
      return Hex.decode(s);
    } catch (dev.trustdial.core.InvalidInputException e) {
      throw malformed(where + "." + name + ": " + e.getMessage());
    }
  }

  long integer(String name) throws VerificationFailedException {
    JsonNode v = field(name);
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw malformed(where + "." + name + " is not a non-negative integer");
    }
    return v.longValue();
  }

  Instant time(String name) throws VerificationFailedException {
    try {
      return Instant.parse(text(name));
    } catch (DateTimeParseException e) {
      throw malformed(where + "." + name + " is not an ISO-8601 UTC time");
    }
  }

  TcbStatus status(String name) throws VerificationFailedException {
    String s = text(name);
    return TcbStatus.fromWireName(s)
        .filter(t -> t != TcbStatus.NOT_EVALUATED)
        .orElseThrow(() -> malformed(where + "." + name + " is an unknown TCB status '" + s + "'"));
  }

  IntelJson object(String name) throws VerificationFailedException {
    JsonNode v = field(name);
    if (!v.isObject()) {
      throw malformed(where + "." + name + " is not an object");
    }
    return new IntelJson(v, where + "." + name);
  }

  List<IntelJson> objects(String name) throws VerificationFailedException {
    JsonNode v = field(name);
    if (!v.isArray()) {
      throw malformed(where + "." + name + " is not an array");
    }
    List<IntelJson> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isObject()) {
        throw malformed(where + "." + name + "[" + i + "] is not an object");
      }
      out.add(new IntelJson(v.get(i), where + "." + name + "[" + i + "]"));
    }
    return out;
  }

  List<String> strings(String name) throws VerificationFailedException {
    if (!has(name)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    JsonNode v = field(name);
    if (!v.isArray()) {
      throw malformed(where + "." + name + " is not an array");
    }
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw malformed(where + "." + name + " has a non-string");
      }
      out.add(s.textValue());
    }
    return out;
  }

  static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }

  static {
    // Keep Jackson from silently coercing types we check ourselves.
    MAPPER.disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    assert !MAPPER.isEnabled(JsonParser.Feature.ALLOW_COMMENTS);
  }
}
