package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole demo round on a real devnet: both jobs end right, and exactly the two guilty operators are slashed. */
class DemoIT {
  @Test
  void demoRoundSlashesTheSilentAndTheLyingOperator() throws Exception {
    CliRun run = CliRun.of("demo", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.out());
    JsonNode jobs = report.get("jobs");
    assertThat(jobs).hasSize(2);
    for (JsonNode j : jobs) {
      assertThat(j.get("status").asText()).isEqualTo("FINALIZED");
      assertThat(j.get("matchesUninterruptedRun").asBoolean()).isTrue();
    }
    // Job 1: the operator that went silent is not the one paid; job 2: the challenger is paid.
    assertThat(jobs.get(0).get("paidTo").asText()).isNotEqualTo(jobs.get(0).get("assignedFirst").asText());
    assertThat(jobs.get(1).get("paidTo").asText()).isEqualTo("watchtower-1");

    List<String> reasons = new ArrayList<>();
    for (JsonNode s : report.get("slashes")) {
      reasons.add(s.get("operator").asText() + ":" + s.get("reason").asText());
    }
    assertThat(reasons).containsExactly(
        jobs.get(0).get("assignedFirst").asText() + ":liveness",
        jobs.get(1).get("assignedFirst").asText() + ":dispute");
    assertThat(report.get("gas").fieldNames()).toIterable()
        .contains("register", "deposit", "submitJob", "heartbeat", "reportMissed", "submitResult", "challenge", "vote", "resolve");
    assertThat(report.get("daBlobsWritten").asInt()).isEqualTo(10);
    assertThat(report.get("daBlobsRead").asInt()).isGreaterThanOrEqualTo(5);
    assertThat(run.err()).contains("[7/7] Summary", "devnet stopped", "fetched the last checkpoint from DA");
  }
}
