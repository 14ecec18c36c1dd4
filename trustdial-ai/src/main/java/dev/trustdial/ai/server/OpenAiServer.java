package dev.trustdial.ai.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.inference.ApiException;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.CompletionBackend;
import dev.trustdial.ai.inference.RequestBody;
import dev.trustdial.ai.inference.Verification;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP API: /v1/models, /v1/completions, /v1/chat/completions (JSON or SSE),
 * /v1/verify, /v1/receipts/{id}, /health and Prometheus /metrics. Every completion carries a signed
 * receipt (docs/spec/receipt.md).
 */
public final class OpenAiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpenAiServer.class);
  private static final ObjectMapper MAPPER = Json.mapper();

  private final InferenceService service;
  private final ServerLimits limits;
  private final Clock clock;
  private final Semaphore slots;
  private final ServerMetrics metrics = new ServerMetrics();
  private final ResponseJson responses;
  private final SecureRandom random = new SecureRandom();
  private final Javalin app;

  public OpenAiServer(InferenceService service, ServerLimits limits, Clock clock) {
    this.service = service;
    this.limits = limits;
    this.clock = clock;
    this.slots = new Semaphore(limits.maxConcurrent());
    CompletionBackend b = service.backend();
    this.responses =
        new ResponseJson(b.tokenizer(), b.modelName(), "td-" + b.fileSha256().substring(0, 16));
    this.app =
        Javalin.create(config -> {
          config.concurrency.useVirtualThreads = true;
          config.http.maxRequestSize = limits.maxBodyBytes();
          config.startup.showJavalinBanner = false;
          config.routes.get("/health", this::health);
          config.routes.get("/metrics", this::metrics);
          config.routes.get("/v1/models", this::models);
          config.routes.post(
              ApiRequest.CHAT_ENDPOINT, ctx -> generate(ctx, ApiRequest.CHAT_ENDPOINT));
          config.routes.post(
              ApiRequest.TEXT_ENDPOINT, ctx -> generate(ctx, ApiRequest.TEXT_ENDPOINT));
          config.routes.post("/v1/verify", this::verify);
          config.routes.get("/v1/receipts/{id}", this::receipt);
          config.routes.exception(ApiException.class, (e, ctx) -> fail(ctx, e));
          config.routes.exception(
              InvalidInputException.class,
              (e, ctx) -> fail(ctx, ApiException.badRequest("", e.getMessage())));
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) ->
                  fail(
                      ctx,
                      new ApiException(
                          e.getStatus(),
                          e.getStatus() == 413 ? "invalid_request_error" : "api_error",
                          "",
                          e.getStatus() == 413 ? "request_too_large" : "http_error",
                          e.getStatus() == 413
                              ? "the request body exceeds " + limits.maxBodyBytes() + " bytes"
                              : e.getMessage())));
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                log.error("internal error on {}", ctx.path(), e);
                fail(
                    ctx,
                    new ApiException(
                        500,
                        "server_error",
                        "",
                        "internal_error",
                        "internal error: " + e.getClass().getSimpleName()));
              });
          config.routes.error(
              404,
              "*",
              ctx -> {
                if (ctx.result() == null
                    || ctx.result().isEmpty()
                    || !ctx.result().startsWith("{")) {
                  fail(
                      ctx,
                      new ApiException(
                          404,
                          "invalid_request_error",
                          "",
                          "not_found",
                          "no route " + ctx.method() + " " + ctx.path()));
                }
              });
        });
  }

  public OpenAiServer start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private void fail(Context ctx, ApiException e) {
    ctx.status(e.status()).contentType("application/json").result(write(ResponseJson.error(e)));
  }

  private static byte[] write(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void json(Context ctx, JsonNode n) {
    ctx.contentType("application/json").result(write(n));
  }

  private JsonNode body(Context ctx) {
    String type = ctx.contentType();
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT).matches("application/json\\s*(;.*)?")) {
      throw new ApiException(
          415,
          "invalid_request_error",
          "",
          "unsupported_media_type",
          "the request body must be JSON sent with Content-Type: application/json (got "
              + (type == null ? "no Content-Type" : "'" + type + "'")
              + ")");
    }
    return RequestBody.parse(ctx.bodyAsBytes(), limits.maxBodyBytes());
  }

  private void health(Context ctx) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("status", "ok");
    o.put("model", service.backend().modelName());
    o.put("operator", service.operatorKey().address().toString());
    o.put("slots_free", slots.availablePermits());
    json(ctx, o);
  }

  private void metrics(Context ctx) {
    ctx.contentType(ServerMetrics.contentType()).result(metrics.scrape());
  }

  private void models(Context ctx) {
    CompletionBackend b = service.backend();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("object", "list");
    ArrayNode data = o.putArray("data");
    ObjectNode m = data.addObject();
    m.put("id", b.modelName());
    m.put("object", "model");
    m.put("created", 0);
    m.put("owned_by", "trustdial");
    m.put("file_sha256", b.fileSha256());
    m.put("tokenizer_sha256", b.tokenizer().digest().toHex().substring(2));
    m.put("determinism_profile", b.determinismProfile());
    m.put("context_length", b.contextLength());
    json(ctx, o);
  }

  private void receipt(Context ctx) {
    String id = ctx.pathParam("id");
    Receipt r =
        service
            .receipt(id)
            .orElseThrow(() ->
                new ApiException(
                    404,
                    "invalid_request_error",
                    "id",
                    "receipt_not_found",
                    "no receipt " + id + " on this server"));
    json(ctx, ReceiptJson.toJson(r));
  }

  private void acquire() {
    if (!slots.tryAcquire()) {
      throw new ApiException(
          429,
          "rate_limit_exceeded",
          "",
          "too_many_requests",
          "the server is running " + limits.maxConcurrent() + " requests; retry later");
    }
  }

  private void verify(Context ctx) {
    JsonNode body = body(ctx);
    JsonNode receiptJson = body.has("receipt") ? body.get("receipt") : body;
    ReceiptJson.Checked checked = ReceiptJson.parseChecked(receiptJson);
    Receipt r = checked.receipt();
    acquire();
    Verification v;
    try {
      v = service.verify(checked);
    } finally {
      slots.release();
    }
    metrics.verifications.labelValues(v.match() ? "match" : "mismatch").inc();
    json(ctx, v.toJson(r.id()));
  }

  private sealed interface StreamEvent {}

  private record Delta(String text, List<TokenLogprob> logprobs) implements StreamEvent {}

  private record Done(Completion completion) implements StreamEvent {}

  private record Failed(RuntimeException error) implements StreamEvent {}

  private void generate(Context ctx, String endpoint) throws Exception {
    long started = System.nanoTime();
    String status = "200";
    try {
      ApiRequest request = service.parser().parse(endpoint, body(ctx));
      acquire();
      metrics.inFlight.inc();
      try {
        String id =
            (request instanceof ApiRequest.Chat ? "chatcmpl-" : "cmpl-")
                + HexFormat.of().formatHex(randomBytes());
        long created = clock.instant().getEpochSecond();
        Completion c =
            request.stream() ? stream(ctx, request, id, created) : plain(ctx, request, id, created);
        if (c != null) {
          metrics.promptTokens.inc(c.promptTokens());
          metrics.completionTokens.inc(c.outputTokens().length);
          metrics.receipts.inc();
        }
      } finally {
        metrics.inFlight.dec();
        slots.release();
      }
    } catch (ApiException e) {
      status = Integer.toString(e.status());
      throw e;
    } catch (RuntimeException e) {
      status = e instanceof InvalidInputException ? "400" : "500";
      throw e;
    } finally {
      metrics.requests.labelValues(endpoint, status).inc();
      metrics.duration.labelValues(endpoint).observe((System.nanoTime() - started) / 1e9);
    }
  }

  private byte[] randomBytes() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return b;
  }

  private Completion plain(Context ctx, ApiRequest request, String id, long created) {
    Completion c = service.complete(request, InferenceService.DeltaListener.none());
    json(ctx, responses.complete(id, created, c));
    return c;
  }

  /**
   * Generation runs on its own virtual thread and hands deltas over a queue, so a slow client never
   * blocks the engine's scheduler; a client that goes away cancels the generation.
   */
  private Completion stream(Context ctx, ApiRequest request, String id, long created)
      throws Exception {
    BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
    AtomicBoolean gone = new AtomicBoolean();
    Thread.ofVirtual()
        .name("completion-" + id)
        .start(() -> {
          try {
            Completion c =
                service.complete(
                    request,
                    (text, lps) -> {
                      if (gone.get()) {
                        return false;
                      }
                      if (!text.isEmpty() || !lps.isEmpty()) {
                        events.add(new Delta(text, lps));
                      }
                      return true;
                    });
            events.add(new Done(c));
          } catch (RuntimeException e) {
            events.add(new Failed(e));
          }
        });
    // Errors before the first token (bad template, prompt too long) still get a JSON error status.
    StreamEvent first = events.take();
    if (first instanceof Failed(RuntimeException e)) {
      throw e;
    }
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    boolean firstChunk = true;
    try {
      for (StreamEvent ev = first; ; ev = events.take()) {
        switch (ev) {
          case Delta(String text, List<TokenLogprob> lps) -> {
            send(out, responses.chunk(id, created, request, text, lps, firstChunk));
            firstChunk = false;
          }
          case Done(Completion c) -> {
            if (firstChunk) {
              send(out, responses.chunk(id, created, request, "", List.of(), true));
            }
            send(out, responses.finalChunk(id, created, c));
            if (request.includeUsage()) {
              send(out, responses.usageChunk(id, created, c));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return c;
          }
          case Failed(RuntimeException e) -> {
            // Headers are sent; report the error in-band as OpenAI does, then end the stream.
            ApiException api =
                e instanceof ApiException a
                    ? a
                    : new ApiException(
                        500,
                        "server_error",
                        "",
                        "internal_error",
                        "generation failed: " + e.getMessage());
            if (!(e instanceof ApiException)) {
              log.error("streamed generation failed", e);
            }
            send(out, ResponseJson.error(api));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return null;
          }
        }
      }
    } catch (IOException e) {
      gone.set(true);
      // Wait for the generation to notice (at its next token) so the slot is free when we release
      // it.
      StreamEvent ev;
      do {
        ev = events.poll(60, TimeUnit.SECONDS);
      } while (ev instanceof Delta);
      log.info("client left stream {}", id);
      return null;
    }
  }

  private static void send(OutputStream out, JsonNode chunk) throws IOException {
    out.write("data: ".getBytes(StandardCharsets.UTF_8));
    out.write(write(chunk));
    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
