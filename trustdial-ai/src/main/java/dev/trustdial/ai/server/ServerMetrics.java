package dev.trustdial.ai.server;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus metrics of one server (its own registry, so several servers in a JVM stay apart). */
final class ServerMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter requests =
      Counter.builder()
          .name("trustdial_ai_requests_total")
          .help("HTTP API requests by endpoint and status")
          .labelNames("endpoint", "status")
          .register(registry);
  final Counter promptTokens =
      Counter.builder()
          .name("trustdial_ai_prompt_tokens_total")
          .help("Prompt tokens processed")
          .register(registry);
  final Counter completionTokens =
      Counter.builder()
          .name("trustdial_ai_completion_tokens_total")
          .help("Tokens generated")
          .register(registry);
  final Counter receipts =
      Counter.builder()
          .name("trustdial_ai_receipts_total")
          .help("Receipts signed")
          .register(registry);
  final Counter verifications =
      Counter.builder()
          .name("trustdial_ai_verifications_total")
          .help("Receipts re-executed, by outcome")
          .labelNames("outcome")
          .register(registry);
  final Gauge inFlight =
      Gauge.builder()
          .name("trustdial_ai_requests_in_flight")
          .help("Generations running now")
          .register(registry);
  final Histogram duration =
      Histogram.builder()
          .name("trustdial_ai_request_duration_seconds")
          .help("Time to complete a generation request")
          .labelNames("endpoint")
          .register(registry);

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
