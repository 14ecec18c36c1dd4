package dev.trustdial.tee.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.json.Json;
import dev.trustdial.http.ConnectionLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON face shared by the KMS and the attestation agent (Javalin): bounded bodies, JSON in and
 * out, and errors as {@code {"status", "error": reason, "detail"}}, 404 and 405 included.
 */
public final class JsonExchange {
  public static final ObjectMapper JSON = Json.builder(16).build();
  private static final Logger LOG = LoggerFactory.getLogger(JsonExchange.class);
  private static final String ANSWERED = "trustdial.answered";
  private static final List<HandlerType> METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE);

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

  /** A request handler that may fail with {@link HttpError} (or an I/O error of the exchange). */
  @FunctionalInterface
  public interface Handler {
    void handle(Context ctx) throws IOException;
  }

  /** The routes of one server: each path answers its methods and 405 to the others. */
  public static final class Routes {
    private final Map<String, Map<HandlerType, Handler>> paths = new LinkedHashMap<>();

    public Routes get(String path, Handler h) {
      return on(HandlerType.GET, path, h);
    }

    public Routes post(String path, Handler h) {
      return on(HandlerType.POST, path, h);
    }

    public Routes put(String path, Handler h) {
      return on(HandlerType.PUT, path, h);
    }

    private Routes on(HandlerType method, String path, Handler h) {
      if (paths.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, h) != null) {
        throw new IllegalArgumentException(method + " " + path + " is routed twice");
      }
      return this;
    }
  }

  /**
   * A started server on {@code host:port} with {@code limits}, bodies capped at {@code
   * maxRequestBytes}, and a {@code before} check run ahead of every request (e.g. auth).
   */
  public static Javalin start(
      String host,
      int port,
      ConnectionLimits limits,
      long maxRequestBytes,
      Handler before,
      Consumer<Routes> routing) {
    Routes routes = new Routes();
    routing.accept(routes);
    Javalin app =
        Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = maxRequestBytes;
          limits.applyTo(config, host, port);
          config.routes.before(before::handle);
          routes.paths.forEach((path, byMethod) -> {
            String takes =
                byMethod.keySet().stream()
                    .map(HandlerType::name)
                    .collect(Collectors.joining(" or "));
            for (HandlerType m : METHODS) {
              Handler h =
                  byMethod.getOrDefault(
                      m,
                      ctx -> {
                        throw new HttpError(
                            405, "MethodNotAllowed", ctx.path() + " takes " + takes);
                      });
              config.routes.addHttpHandler(m, path, h::handle);
            }
          });
          config.routes.exception(
              HttpError.class, (e, ctx) -> error(ctx, e.status(), e.reason(), e.getMessage()));
          // Javalin's own answers (no route, a body over maxRequestSize) in the same shape as ours.
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) -> {
                switch (e.getStatus()) {
                  case 404 -> error(ctx, 404, "NotFound", "no such endpoint: " + ctx.path());
                  case 413 ->
                      error(
                          ctx,
                          413,
                          "BodyTooLarge",
                          "request body is over " + maxRequestBytes + " bytes");
                  default -> error(ctx, e.getStatus(), "HttpError", e.getMessage());
                }
              });
          config.routes.exception(IOException.class, (e, ctx) -> clientGone(ctx, e));
          config.routes.exception(UncheckedIOException.class, (e, ctx) -> clientGone(ctx, e));
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.warn("internal error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "InternalError", String.valueOf(e.getMessage()));
              });
          config.routes.error(
              404,
              ctx -> {
                if (!isJson(ctx)) {
                  error(ctx, 404, "NotFound", "no such endpoint: " + ctx.path());
                }
              });
        });
    app.start();
    return app;
  }

  /** The client stopped sending (idle timeout) or went away: there is rarely anyone to answer. */
  private static void clientGone(Context ctx, Exception e) {
    LOG.debug("request {} {} ended by the client: {}", ctx.method(), ctx.path(), e.toString());
    error(ctx, 408, "RequestTimeout", "the request body did not arrive: " + e.getMessage());
  }

  /** Whether a handler already answered (a handler's own 404 keeps its reason). */
  private static boolean isJson(Context ctx) {
    return ctx.attribute(ANSWERED) != null;
  }

  public static HttpError badRequest(String detail) {
    return new HttpError(400, "BadRequest", detail);
  }

  /** Reads at most {@code max} bytes of body as it arrives; more is a 413. */
  public static byte[] body(Context ctx, int max) throws IOException {
    String declared = ctx.header("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          throw new HttpError(
              413,
              "BodyTooLarge",
              "request body is " + declared.trim() + " bytes (max " + max + ")");
        }
      } catch (NumberFormatException e) {
        throw badRequest("Content-Length is not a number");
      }
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new HttpError(413, "BodyTooLarge", "request body is over " + max + " bytes");
      }
      return b;
    }
  }

  public static JsonNode jsonBody(Context ctx, int max) throws IOException {
    byte[] b = body(ctx, max);
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

  public static void send(Context ctx, int status, ObjectNode body) {
    try {
      send(ctx, status, "application/json", JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  public static void send(Context ctx, int status, String contentType, byte[] body) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status).contentType(contentType).result(body);
  }

  public static void error(Context ctx, int status, String reason, String detail) {
    send(ctx, status, errorBody(status, reason, detail));
  }

  /** The error body of {@link #error}, for answers that add fields to it. */
  public static ObjectNode errorBody(int status, String reason, String detail) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", status);
    n.put("error", reason);
    n.put("detail", detail);
    return n;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
