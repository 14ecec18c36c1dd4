package dev.trustdial.da.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.http.ConnectionLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a {@link DaNode} (docs/spec/da.md §7) plus its expiry sweep. Javalin on virtual
 * threads with {@link ConnectionLimits}: uploads are read as they arrive up to {@link
 * ChunkUpload#MAX_BYTES}, a client that stalls is dropped after the idle timeout, and one address
 * cannot hold enough connections to keep others from {@code /v1/health}. An upload takes its
 * declared length from the node's {@link UploadBudget} before its body is read, so the heap uploads
 * take is bounded whatever the number of clients.
 */
public final class DaNodeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DaNodeServer.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final int MAX_INDICES = 128;

  private final DaNodeApi node;
  private final Javalin app;
  private final ScheduledExecutorService sweeper;

  private DaNodeServer(DaNodeApi node, Javalin app, ScheduledExecutorService sweeper) {
    this.node = node;
    this.app = app;
    this.sweeper = sweeper;
  }

  public static DaNodeServer start(DaNodeApi node, String host, int port, Duration sweepInterval) {
    return start(node, host, port, sweepInterval, ConnectionLimits.DEFAULT);
  }

  public static DaNodeServer start(
      DaNodeApi node, String host, int port, Duration sweepInterval, ConnectionLimits limits) {
    return start(node, host, port, sweepInterval, limits, UploadLimits.DEFAULT);
  }

  public static DaNodeServer start(
      DaNodeApi node,
      String host,
      int port,
      Duration sweepInterval,
      ConnectionLimits limits,
      UploadLimits uploads) {
    UploadBudget budget = new UploadBudget(uploads);
    Javalin app =
        Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = ChunkUpload.MAX_BYTES;
          limits.applyTo(config, host, port);
          config.routes.post(
              "/v1/chunks",
              ctx -> {
                long length = ctx.req().getContentLengthLong();
                if (length < 0) {
                  error(
                      ctx,
                      411,
                      "an upload needs a Content-Length (at most "
                          + ChunkUpload.MAX_BYTES
                          + " bytes)");
                  return;
                }
                if (length > ChunkUpload.MAX_BYTES) {
                  error(ctx, 413, "upload exceeds the " + ChunkUpload.MAX_BYTES + "-byte limit");
                  return;
                }
                // Taken before the first body byte is read; a refused body is read into nothing, so
                // that
                // the client, still sending, gets the 503 rather than a reset connection.
                UploadBudget.Lease lease;
                try {
                  lease = budget.acquire(length);
                } catch (UploadRefusedException e) {
                  ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
                  throw e;
                }
                try (lease) {
                  ChunkUpload upload = ChunkUpload.read(ctx.req().getInputStream(), length);
                  StoreReceipt r = node.store(upload, new Uploader(ctx.req().getRemoteAddr()));
                  json(
                      ctx,
                      200,
                      Map.of(
                          "blobKey",
                          r.blobKey().toHex(),
                          "operator",
                          r.operator().toString(),
                          "signature",
                          r.signature().toHex()));
                }
              });
          config.routes.get(
              "/v1/blobs/{key}/header",
              ctx -> {
                ctx.contentType("application/octet-stream")
                    .result(node.header(blobKey(ctx)).encode());
              });
          config.routes.get(
              "/v1/blobs/{key}/chunks",
              ctx -> {
                List<String> raw = ctx.queryParams("index");
                if (raw.size() > MAX_INDICES) {
                  throw new InvalidInputException(
                      "at most " + MAX_INDICES + " chunk indices per request");
                }
                List<Integer> indices = new ArrayList<>();
                for (String s : raw) {
                  try {
                    indices.add(Integer.parseInt(s));
                  } catch (NumberFormatException e) {
                    throw new InvalidInputException("chunk index is not a number: " + s);
                  }
                }
                ctx.contentType("application/octet-stream")
                    .result(Chunk.encodeList(node.chunks(blobKey(ctx), indices)));
              });
          config.routes.get(
              "/v1/health",
              ctx -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("operator", node.operator().toString());
                m.put("blobs", node.blobCount());
                json(ctx, 200, m);
              });
          config.routes.exception(
              UploadRefusedException.class,
              (e, ctx) -> {
                ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
                error(ctx, e.status(), e.getMessage());
              });
          config.routes.exception(
              UnknownBlobException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
          config.routes.exception(
              ChunkRejectedException.class, (e, ctx) -> error(ctx, 422, e.getMessage()));
          config.routes.exception(
              InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) ->
                  error(
                      ctx,
                      e.getStatus(),
                      e.getStatus() == 413
                          ? "upload exceeds the " + ChunkUpload.MAX_BYTES + "-byte limit"
                          : e.getMessage()));
          config.routes.exception(IOException.class, (e, ctx) -> clientGone(ctx, e));
          config.routes.exception(UncheckedIOException.class, (e, ctx) -> clientGone(ctx, e));
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error");
              });
        });
    app.start();
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "da-node-expiry-sweep");
          t.setDaemon(true);
          return t;
        });
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            int n = node.sweep();
            if (n > 0) {
              LOG.info("deleted {} expired blobs", n);
            }
          } catch (RuntimeException e) {
            LOG.error("expiry sweep failed", e);
          }
        },
        0,
        sweepInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("DA node {} listening on {}:{}", node.operator(), host, app.port());
    return new DaNodeServer(node, app, sweeper);
  }

  /**
   * The client stopped sending (idle timeout) or went away mid-request: nobody to answer, nothing
   * to log loudly.
   */
  private static void clientGone(Context ctx, Exception e) {
    LOG.debug("{} {} ended by the client: {}", ctx.method(), ctx.path(), e.toString());
    error(ctx, 408, "the request did not arrive: " + e.getMessage());
  }

  private static Bytes32 blobKey(Context ctx) {
    String k = ctx.pathParam("key");
    if (!k.matches("0x[0-9a-fA-F]{64}")) {
      throw new InvalidInputException(
          "blob key must be 0x followed by 64 hex digits, got '"
              + (k.length() > 80 ? k.substring(0, 77) + "..." : k)
              + "'");
    }
    return Bytes32.fromHex(k);
  }

  private static void json(Context ctx, int status, Object body) throws Exception {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
  }

  private static void error(Context ctx, int status, String message) {
    try {
      json(ctx, status, Map.of("error", message));
    } catch (Exception e) {
      ctx.status(status).result(message);
    }
  }

  public int port() {
    return app.port();
  }

  public DaNodeApi node() {
    return node;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    app.stop();
  }
}
