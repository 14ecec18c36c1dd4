package dev.trustdial.node.metrics;

import io.javalin.Javalin;
import java.util.Map;
import java.util.function.Supplier;

/** The node's small HTTP server: {@code /health} (JSON) and {@code /metrics} (Prometheus). */
public final class NodeHttp implements AutoCloseable {
  private final Javalin app;

  private NodeHttp(Javalin app) {
    this.app = app;
  }

  public static NodeHttp start(
      String host, int port, NodeMetrics metrics, Supplier<Map<String, Object>> health) {
    Javalin app =
        Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.routes.get("/health", ctx -> ctx.json(health.get()));
          config.routes.get(
              "/metrics",
              ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.prometheus()));
        });
    app.start(host, port);
    return new NodeHttp(app);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
