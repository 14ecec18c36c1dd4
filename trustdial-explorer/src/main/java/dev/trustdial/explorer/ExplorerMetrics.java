package dev.trustdial.explorer;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The explorer's Prometheus metrics (its own registry, so several explorers in one JVM stay apart).
 */
public final class ExplorerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  public final Counter events =
      Counter.builder()
          .name("trustdial_explorer_events_indexed_total")
          .help("Settlement events stored, by event name")
          .labelNames("kind")
          .register(registry);
  public final Counter moves =
      Counter.builder()
          .name("trustdial_explorer_match_moves_indexed_total")
          .help("Objective match events stored")
          .register(registry);
  public final Gauge nextBlock =
      Gauge.builder()
          .name("trustdial_explorer_next_block")
          .help("First block not yet indexed")
          .register(registry);
  public final Gauge head =
      Gauge.builder()
          .name("trustdial_explorer_chain_head")
          .help("Latest block the chain reported")
          .register(registry);
  public final Counter errors =
      Counter.builder()
          .name("trustdial_explorer_index_errors_total")
          .help("Index rounds that failed (chain unreachable, say) and were retried")
          .register(registry);
  public final Histogram batchSeconds =
      Histogram.builder()
          .name("trustdial_explorer_batch_seconds")
          .help("Time to read and store one batch of blocks")
          .register(registry);
  public final Counter requests =
      Counter.builder()
          .name("trustdial_explorer_http_requests_total")
          .help("HTTP requests by route and status")
          .labelNames("route", "status")
          .register(registry);

  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
