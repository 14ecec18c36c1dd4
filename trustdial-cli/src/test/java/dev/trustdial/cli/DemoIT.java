package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole demo on a real devnet of separate processes: the killed operator's job is finished by a
 * successor from DA with the uninterrupted result, the liar is caught, and exactly the two guilty
 * operators are slashed.
 */
class DemoIT {
  @Test
  void demoRoundSlashesTheSilentAndTheLyingOperator() throws Exception {
    CliRun run = CliRun.of("demo", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.out());
    JsonNode jobs = report.get("jobs");
    assertThat(jobs).hasSize(5);
    for (JsonNode j : jobs) {
      assertThat(j.get("status").asText()).isEqualTo("FINALIZED");
      assertThat(j.get("matchesUninterruptedRun").asBoolean()).isTrue();
    }
    // Job 1: the operator that went silent is not the one paid; job 2: the challenger is paid.
    assertThat(jobs.get(0).get("paidTo").asText()).isNotEqualTo(jobs.get(0).get("assignedFirst").asText());
    assertThat(jobs.get(1).get("paidTo").asText()).isEqualTo(jobs.get(1).get("assignedFirst").asText()).startsWith("operator-");
    assertThat(jobs.get(2).get("paidTo").asText()).isEqualTo("watchtower-1");

    List<String> reasons = new ArrayList<>();
    for (JsonNode s : report.get("slashes")) {
      reasons.add(s.get("operator").asText() + ":" + s.get("reason").asText());
    }
    assertThat(reasons).containsExactly(
        jobs.get(0).get("assignedFirst").asText() + ":liveness",
        jobs.get(2).get("assignedFirst").asText() + ":dispute",
        jobs.get(3).get("assignedFirst").asText() + ":liveness");
    // Every operator's pool holds delegated stake, so each slash hits the operator and its delegators pro rata.
    for (JsonNode s : report.get("slashes")) {
      assertThat(s.get("fromOperator").asText()).as(s.toString()).isNotEqualTo("0 TDS");
      assertThat(s.get("fromDelegators").asText()).as(s.toString()).isNotEqualTo("0 TDS");
    }
    assertThat(report.get("slashes").get(1).get("paidTo").asText()).startsWith("watchtower-1");
    for (JsonNode st : report.get("stakes")) {
      if (st.get("name").asText().startsWith("operator-")) {
        assertThat(st.get("delegatedBefore").asText()).isEqualTo("400 TDS");
      }
    }
    // Job 4, the TEE agent: the successor finished it with the same app wallet, and the answer verified.
    assertThat(jobs.get(3).get("finishedBy").asText()).isNotEqualTo(jobs.get(3).get("assignedFirst").asText());
    assertThat(jobs.get(3).get("steps").asLong()).isBetween(3L, 5L);
    // Job 5, ZK: the operator that proved it was paid in the transaction that verified the proof; the output is the direct run's.
    assertThat(jobs.get(4).get("paidTo").asText()).startsWith("operator-").isEqualTo(jobs.get(4).get("finishedBy").asText());
    assertThat(report.get("gas").get("JobManager.submitCheckedResult").get("calls").asInt()).isEqualTo(1);
    assertThat(report.get("timings").get("ZK: overhead (proof time / direct run)").asDouble()).isGreaterThan(1);
    assertThat(run.err()).contains("IDENTICAL to the direct computation here", "proven in");
    // Job 1 ran the game-world guest for real; jobs 2 and 3 generated tokens with the model.
    assertThat(jobs.get(0).get("steps").asLong()).isGreaterThan(10_000_000L);
    assertThat(jobs.get(1).get("steps").asLong()).isBetween(1L, 48L);
    assertThat(report.get("gas").fieldNames()).toIterable().contains("AppRegistry.createApp", "JobManager.submitJob",
        "JobManager.heartbeat", "JobManager.reportMissed", "JobManager.submitResult", "JobManager.challenge",
        "IntersubjectiveCourt.vote", "IntersubjectiveCourt.resolve", "IntersubjectiveCourt.settleVote", "JobManager.finalize",
        "BlobRegistry.register", "JobManager.assign");
    assertThat(report.get("gas").get("IntersubjectiveCourt.vote").get("calls").asInt()).isEqualTo(2);
    assertThat(report.get("gas").get("IntersubjectiveCourt.settleVote").get("calls").asInt()).isEqualTo(2);
    // Two programs, an artifact, four envelopes, four outputs and at least eight checkpoints on DA, each certified onchain.
    assertThat(report.get("daCertificates").asInt()).isGreaterThanOrEqualTo(19);
    assertThat(run.err()).contains("[8/8] Summary", "the SAME wallet as", "VERIFIES", "its app-wallet signature checked onchain", "TEE answer verifies (simulated: true", "restoring the TEE app's sealed state", "the completion, read back from DA", "no process left running", "SIGKILL", "restoring the snapshot at step",
        "IDENTICAL to the uninterrupted run", "CHALLENGED", "--lie", "SIGSTOP", "the public assignment rule", "of its delegators'",
        "settled its vote");
  }

  @Test
  void aMissingProgramIsRefusedBeforeAnythingStarts() {
    CliRun run = CliRun.of("demo", "--program", "/nonexistent/gameworld.elf");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("--program /nonexistent/gameworld.elf is not a readable file").doesNotContain("anvil");
  }
}
