package dev.trustdial.da.proxy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.disperser.DispersalFailedException;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.retriever.BlobUnavailableException;
import dev.trustdial.http.ConnectionLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP shape rollups and apps expect from a DA proxy: {@code POST /put} with the blob as the
 * body answers the certificate (binary, blob key in {@code X-Blob-Key}); {@code GET /get/{ref}}
 * answers the bytes, where {@code ref} is a blob key or the hex of a certificate /put returned.
 * Javalin on virtual threads with {@link ConnectionLimits}; /put bodies are read as they arrive, up
 * to {@link BlobCodec#MAX_BLOB_BYTES}.
 */
public final class DaProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DaProxyServer.class);
  private final Javalin app;

  private DaProxyServer(Javalin app) {
    this.app = app;
  }

  public static DaProxyServer start(DataAvailability da, String host, int port) {
    return start(da, host, port, ConnectionLimits.DEFAULT);
  }

  public static DaProxyServer start(
      DataAvailability da, String host, int port, ConnectionLimits limits) {
    Javalin app =
        Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = BlobCodec.MAX_BLOB_BYTES;
          limits.applyTo(config, host, port);
          config.routes.post(
              "/put",
              ctx -> {
                DaCertificate cert = da.put(ctx.bodyAsBytes());
                ctx.header("X-Blob-Key", cert.blobKey().toHex())
                    .contentType("application/octet-stream")
                    .result(cert.encode());
              });
          config.routes.get(
              "/get/{ref}",
              ctx -> ctx.contentType("application/octet-stream").result(da.get(blobKey(ctx))));
          config.routes.get("/health", ctx -> ctx.result("ok"));
          config.routes.exception(
              UnknownBlobException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
          config.routes.exception(
              InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
          config.routes.exception(
              DispersalFailedException.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
          config.routes.exception(
              BlobUnavailableException.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
          config.routes.exception(
              HttpResponseException.class,
              (e, ctx) ->
                  error(
                      ctx,
                      e.getStatus(),
                      e.getStatus() == 413
                          ? "blob exceeds the " + BlobCodec.MAX_BLOB_BYTES + "-byte limit"
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
    return new DaProxyServer(app);
  }

  /**
   * The client stopped sending (idle timeout) or went away mid-request: nobody to answer, nothing
   * to log loudly.
   */
  private static void clientGone(Context ctx, Exception e) {
    LOG.debug("{} {} ended by the client: {}", ctx.method(), ctx.path(), e.toString());
    error(ctx, 408, "the request did not arrive: " + e.getMessage());
  }

  /** A 32-byte blob key, or a certificate whose header names the key. */
  static Bytes32 blobKey(Context ctx) {
    String ref = ctx.pathParam("ref");
    if (ref.length() > 2 * 1024 * 1024) {
      throw new InvalidInputException("reference is too long");
    }
    byte[] b = Hex.decode(ref);
    return b.length == 32 ? new Bytes32(b) : DaCertificate.decode(b).blobKey();
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain").result(message + "\n");
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
