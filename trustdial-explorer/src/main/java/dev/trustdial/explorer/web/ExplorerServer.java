package dev.trustdial.explorer.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.advisor.Workload;
import dev.trustdial.explorer.detail.Reexecution;
import dev.trustdial.explorer.detail.ReexecutionBusyException;
import dev.trustdial.http.ConnectionLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explorer's HTTP face: server-rendered pages, the same data as JSON under {@code /api}, the
 * indexer's {@code /metrics}, and the project's own static assets (no CDN). Bad input is a 400 page
 * (or JSON under /api), something not indexed a 404, and every query parameter has a limit.
 */
public final class ExplorerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExplorerServer.class);
  private static final ObjectMapper JSON = mapper();
  private static final Map<String, String> STATIC =
      Map.of(
          "explorer.css",
          "text/css; charset=utf-8",
          "explorer.js",
          "text/javascript; charset=utf-8",
          "favicon.svg",
          "image/svg+xml");
  private static final Set<String> STATUSES =
      Set.of(
          "SUBMITTED",
          "QUEUED",
          "ASSIGNED",
          "RUNNING",
          "MISSED",
          "DECLINED",
          "RESULT",
          "CHALLENGED",
          "RESOLVED",
          "FINALIZED",
          "FAILED");
  private static final Set<String> ROUTES =
      Set.of("", "jobs", "operators", "blobs", "advisor", "api", "metrics", "static");

  private final Javalin app;

  private ExplorerServer(Javalin app) {
    this.app = app;
  }

  public static ExplorerServer start(Views views, ExplorerMetrics metrics, String host, int port) {
    Javalin app =
        Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = 16 * 1024;
          ConnectionLimits.DEFAULT.applyTo(config, host, port);
          config.routes.get("/", ctx -> html(ctx, Pages.overview(views.overview())));
          config.routes.get("/api/overview", ctx -> json(ctx, views.overview()));
          config.routes.get(
              "/jobs",
              ctx -> {
                Optional<String> status = status(ctx);
                Optional<Long> app1 = optLong(ctx, "app", Long.MAX_VALUE);
                int limit = intParam(ctx, "limit", 50, 1, Views.MAX_ROWS);
                int offset = intParam(ctx, "offset", 0, 0, 1_000_000);
                html(
                    ctx,
                    Pages.jobs(
                        views.jobs(status, app1, limit, offset), status, app1, limit, offset));
              });
          config.routes.get(
              "/api/jobs",
              ctx ->
                  json(
                      ctx,
                      views.jobs(
                          status(ctx),
                          optLong(ctx, "app", Long.MAX_VALUE),
                          intParam(ctx, "limit", 50, 1, Views.MAX_ROWS),
                          intParam(ctx, "offset", 0, 0, 1_000_000))));
          config.routes.get(
              "/jobs/{id}",
              ctx ->
                  html(
                      ctx,
                      Pages.jobPage(
                          views.job(id(ctx.pathParam("id"), "job id")), Optional.empty())));
          config.routes.get(
              "/api/jobs/{id}", ctx -> json(ctx, views.job(id(ctx.pathParam("id"), "job id"))));
          config.routes.post(
              "/jobs/{id}/reexecute",
              ctx -> {
                long job = id(ctx.pathParam("id"), "job id");
                Reexecution r = views.reexecute(job);
                html(ctx, Pages.jobPage(views.job(job), Optional.of(r)));
              });
          config.routes.post(
              "/api/jobs/{id}/reexecute",
              ctx -> json(ctx, views.reexecute(id(ctx.pathParam("id"), "job id"))));
          config.routes.get(
              "/operators/{address}",
              ctx -> html(ctx, Pages.operator(views.operator(address(ctx)))));
          config.routes.get(
              "/api/operators/{address}", ctx -> json(ctx, views.operator(address(ctx))));
          config.routes.get(
              "/blobs/{key}",
              ctx -> html(ctx, Pages.blobPage(views.blob(ctx.pathParam("key")), Optional.empty())));
          config.routes.get("/api/blobs/{key}", ctx -> json(ctx, views.blob(ctx.pathParam("key"))));
          config.routes.post(
              "/blobs/{key}/verify",
              ctx -> {
                Views.Verification v = views.verify(ctx.pathParam("key"));
                html(ctx, Pages.blobPage(views.blob(ctx.pathParam("key")), Optional.of(v)));
              });
          config.routes.post(
              "/api/blobs/{key}/verify", ctx -> json(ctx, views.verify(ctx.pathParam("key"))));
          config.routes.get(
              "/advisor",
              ctx -> {
                Optional<Views.Recommendation> rec =
                    ctx.queryParam("steps") == null
                        ? Optional.empty()
                        : Optional.of(views.recommend(workload(ctx)));
                html(ctx, Pages.advisor(views.advisor(), rec, views.trustAdvisor()));
              });
          config.routes.get("/api/advisor", ctx -> json(ctx, views.advisor()));
          config.routes.get(
              "/api/advisor/recommend", ctx -> json(ctx, views.recommend(workload(ctx))));
          config.routes.get(
              "/metrics",
              ctx -> ctx.contentType(ExplorerMetrics.contentType()).result(metrics.scrape()));
          config.routes.get(
              "/static/{name}",
              ctx -> {
                String name = ctx.pathParam("name");
                String type = STATIC.get(name);
                if (type == null) {
                  throw new Views.NotFoundException("no static file " + name);
                }
                try (InputStream in =
                    ExplorerServer.class.getResourceAsStream(
                        "/dev/trustdial/explorer/static/" + name)) {
                  if (in == null) {
                    throw new IllegalStateException(
                        "static file " + name + " is missing from the jar");
                  }
                  ctx.contentType(type)
                      .header("Cache-Control", "max-age=300")
                      .result(in.readAllBytes());
                }
              });
          config.routes.exception(
              Views.NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
          config.routes.exception(
              ReexecutionBusyException.class, (e, ctx) -> error(ctx, 429, e.getMessage()));
          config.routes.exception(
              InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + e.getMessage());
              });
          config.routes.error(
              404,
              ctx -> {
                if (ctx.result() == null) {
                  error(ctx, 404, "no page at " + ctx.path());
                }
              });
          config.routes.error(
              405, ctx -> error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
          config.routes.after(ctx -> {
            String first = ctx.path().split("/", 3).length > 1 ? ctx.path().split("/", 3)[1] : "";
            metrics
                .requests
                .labelValues(
                    ROUTES.contains(first) ? "/" + first : "other",
                    Integer.toString(ctx.statusCode()))
                .inc();
          });
        });
    app.start();
    return new ExplorerServer(app);
  }

  public int port() {
    return app.port();
  }

  private static void html(Context ctx, String page) {
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private static void json(Context ctx, Object value) {
    try {
      ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api/")) {
      json(ctx, Map.of("error", message, "status", status));
    } else {
      html(ctx, Pages.error(status, message));
    }
  }

  static long id(String text, String what) {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      throw new InvalidInputException(
          what
              + " must be a decimal number of at most 18 digits, got '"
              + (text.length() > 30 ? text.substring(0, 30) + "…" : text)
              + "'");
    }
    return Long.parseLong(text);
  }

  private static Address address(Context ctx) {
    String a = ctx.pathParam("address");
    if (a.length() > 42) {
      throw new InvalidInputException(
          "an operator address is 0x and 40 hex digits, got "
              + Math.min(a.length(), 1000)
              + " characters");
    }
    return Address.parse(a);
  }

  private static Optional<String> status(Context ctx) {
    String s = ctx.queryParam("status");
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    String u = s.toUpperCase(java.util.Locale.ROOT);
    if (!STATUSES.contains(u)) {
      throw new InvalidInputException(
          "status must be one of "
              + new java.util.TreeSet<>(STATUSES)
              + ", got '"
              + (s.length() > 30 ? s.substring(0, 30) + "…" : s)
              + "'");
    }
    return Optional.of(u);
  }

  private static Optional<Long> optLong(Context ctx, String name, long max) {
    String s = ctx.queryParam(name);
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    long v = id(s, name);
    if (v > max) {
      throw new InvalidInputException(name + " must be at most " + max + ", got " + v);
    }
    return Optional.of(v);
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String s = ctx.queryParam(name);
    if (s == null || s.isEmpty()) {
      return dflt;
    }
    long v = id(s, name);
    if (v < min || v > max) {
      throw new InvalidInputException(name + " must be within " + min + ".." + max + ", got " + v);
    }
    return (int) v;
  }

  private static boolean flag(Context ctx, String name) {
    String s = ctx.queryParam(name);
    if (s == null || s.isEmpty() || s.equals("false")) {
      return false;
    }
    if (s.equals("true") || s.equals("on")) {
      return true;
    }
    throw new InvalidInputException(
        name
            + " must be true or false, got '"
            + (s.length() > 30 ? s.substring(0, 30) + "…" : s)
            + "'");
  }

  private static Workload workload(Context ctx) {
    long steps =
        optLong(ctx, "steps", Workload.MAX_STEPS)
            .orElseThrow(
                () -> new InvalidInputException("steps is required (guest steps of one run)"));
    long input = optLong(ctx, "inputBytes", Workload.MAX_INPUT_BYTES).orElse(0L);
    return new Workload(
        flag(ctx, "deterministic"), flag(ctx, "timeVarying"), flag(ctx, "private"), input, steps);
  }

  private static ObjectMapper mapper() {
    SimpleModule m = new SimpleModule("trustdial-explorer");
    m.addSerializer(Address.class, ToStringSerializer.instance);
    m.addSerializer(BigInteger.class, ToStringSerializer.instance);
    m.addSerializer(dev.trustdial.core.bytes.Bytes32.class, ToStringSerializer.instance);
    @SuppressWarnings({"rawtypes", "unchecked"})
    Class<Optional<?>> optional = (Class) Optional.class;
    m.addSerializer(
        optional,
        new JsonSerializer<Optional<?>>() {
          @Override
          public void serialize(
              Optional<?> value, JsonGenerator gen, SerializerProvider serializers)
              throws IOException {
            if (value.isPresent()) {
              serializers.defaultSerializeValue(value.get(), gen);
            } else {
              gen.writeNull();
            }
          }
        });
    return Json.builder().addModule(m).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
  }

  @Override
  public void close() {
    app.stop();
  }
}
