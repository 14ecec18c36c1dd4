package dev.trustdial.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  @Test
  void rendersPrometheusTextWithHelpTypeAndValues() {
    NodeMetrics m = new NodeMetrics("operator");
    m.declareCounter("heartbeats_total", "Heartbeats posted onchain");
    m.count("heartbeats_total", "ignored once declared");
    m.count("heartbeats_total", "ignored once declared");
    m.gauge("jobs_running", "Jobs running", 1);
    assertThat(m.prometheus()).isEqualTo("""
        # HELP trustdial_operator_heartbeats_total Heartbeats posted onchain
        # TYPE trustdial_operator_heartbeats_total counter
        trustdial_operator_heartbeats_total 2
        # HELP trustdial_operator_jobs_running Jobs running
        # TYPE trustdial_operator_jobs_running gauge
        trustdial_operator_jobs_running 1
        """);
    assertThat(m.value("heartbeats_total")).isEqualTo(2);
  }
}
