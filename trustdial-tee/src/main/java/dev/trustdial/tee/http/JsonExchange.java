package dev.trustdial.tee.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Request and response plumbing shared by the KMS and the attestation agent (JDK HTTP server):
 * bounded bodies, JSON in and out, and errors as {@code {"error": reason, "detail": ...}}.
 */
public final class JsonExchange {
  public static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
  }

  private JsonExchange() {}

  /** An error a handler maps to a status and a stable reason. */
  public static final class HttpError extends RuntimeException {
    private final int status;
    private final String reason;

    public HttpError(int status, String reason, String detail) {
      super(detail);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }

  public static HttpError badRequest(String detail) {
    return new HttpError(400, "BadRequest", detail);
  }

  /** Reads at most {@code max} bytes of body; more is a 413. */
  public static byte[] body(HttpExchange ex, int max) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          throw new HttpError(413, "BodyTooLarge", "request body is " + declared + " bytes (max " + max + ")");
        }
      } catch (NumberFormatException e) {
        throw badRequest("Content-Length is not a number");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new HttpError(413, "BodyTooLarge", "request body is over " + max + " bytes");
      }
      return b;
    }
  }

  public static JsonNode jsonBody(HttpExchange ex, int max) throws IOException {
    byte[] b = body(ex, max);
    try {
      JsonNode n = JSON.readTree(b);
      if (n == null || !n.isObject()) {
        throw badRequest("the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw badRequest("the body is not JSON: " + e.getOriginalMessage());
    }
  }

  public static String text(JsonNode n, String field, int maxLength) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw badRequest("missing string field '" + field + "'");
    }
    if (v.asText().length() > maxLength) {
      throw badRequest("field '" + field + "' is over " + maxLength + " characters");
    }
    return v.asText();
  }

  public static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  public static void error(HttpExchange ex, int status, String reason, String detail) throws IOException {
    send(ex, status, errorBody(status, reason, detail));
  }

  /** The error body of {@link #error}, for answers that add fields to it. */
  public static ObjectNode errorBody(int status, String reason, String detail) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", status);
    n.put("error", reason);
    n.put("detail", detail);
    return n;
  }

  /** Runs a handler, turning HttpError into its status and anything else into a 500. */
  public static void handle(HttpExchange ex, Handler h) {
    try (ex) {
      try {
        h.handle(ex);
      } catch (HttpError e) {
        error(ex, e.status(), e.reason(), e.getMessage());
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(JsonExchange.class).warn("internal error on {}", ex.getRequestURI(), e);
        error(ex, 500, "InternalError", String.valueOf(e.getMessage()));
      }
    } catch (IOException e) {
      // The client went away; nothing to answer.
    }
  }

  public static void requireMethod(HttpExchange ex, String method) {
    if (!ex.getRequestMethod().equals(method)) {
      throw new HttpError(405, "MethodNotAllowed", ex.getRequestURI().getPath() + " takes " + method);
    }
  }

  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
