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
    assertThat(m.prometheus())
        .isEqualTo(
            """
            # HELP trustdial_operator_heartbeats_total Heartbeats posted onchain
            # TYPE trustdial_operator_heartbeats_total counter
            trustdial_operator_heartbeats_total 2
            # HELP trustdial_operator_jobs_running Jobs running
            # TYPE trustdial_operator_jobs_running gauge
            trustdial_operator_jobs_running 1
            """);
    assertThat(m.value("heartbeats_total")).isEqualTo(2);
  }

  @Test
  void rendersLabelledCounterSeriesUnderOneHeader() {
    NodeMetrics m = new NodeMetrics("watchtower");
    m.declareCounter("failures_total", "Failed work items by kind", "kind", "vote");
    m.count("failures_total", "ignored", "kind", "check_result");
    m.count("failures_total", "ignored", "kind", "check_result");
    m.count("failures_total", "ignored", "kind", "odd \"kind\"");
    assertThat(m.prometheus())
        .isEqualTo(
            """
            # HELP trustdial_watchtower_failures_total Failed work items by kind
            # TYPE trustdial_watchtower_failures_total counter
            trustdial_watchtower_failures_total{kind="check_result"} 2
            trustdial_watchtower_failures_total{kind="odd \\"kind\\""} 1
            trustdial_watchtower_failures_total{kind="vote"} 0
            """);
    assertThat(m.value("failures_total", "kind", "check_result")).isEqualTo(2);
    assertThat(m.value("failures_total", "kind", "settle_vote")).isZero();
    assertThat(m.value("failures_total")).isEqualTo(3);
  }
}
