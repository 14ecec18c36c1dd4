package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole demo on a real devnet of separate processes: the killed operator's job is finished by a
 * successor from DA with the uninterrupted result, the liar is caught, and exactly the guilty
 * operators are slashed; job 6's objective liar is refuted by the watchtower alone at its first
 * wrong step, and another operator completes the job.
 */
class DemoIT {
  @Test
  void demoRoundSlashesTheSilentAndTheLyingOperator() throws Exception {
    CliRun run = CliRun.of("demo", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.out());
    JsonNode jobs = report.get("jobs");
    assertThat(jobs).hasSize(6);
    for (JsonNode j : jobs) {
      assertThat(j.get("status").asText()).isEqualTo("FINALIZED");
      assertThat(j.get("matchesUninterruptedRun").asBoolean()).isTrue();
    }
    // Job 1: the operator that went silent is not the one paid; job 2: the challenger is paid.
    assertThat(jobs.get(0).get("paidTo").asText())
        .isNotEqualTo(jobs.get(0).get("assignedFirst").asText());
    assertThat(jobs.get(1).get("paidTo").asText())
        .isEqualTo(jobs.get(1).get("assignedFirst").asText())
        .startsWith("operator-");
    assertThat(jobs.get(2).get("paidTo").asText()).isEqualTo("watchtower-1");

    List<String> reasons = new ArrayList<>();
    for (JsonNode s : report.get("slashes")) {
      reasons.add(s.get("operator").asText() + ":" + s.get("reason").asText());
    }
    assertThat(reasons)
        .containsExactly(
            jobs.get(0).get("assignedFirst").asText() + ":liveness",
            jobs.get(2).get("assignedFirst").asText() + ":dispute",
            jobs.get(3).get("assignedFirst").asText() + ":liveness",
            jobs.get(5).get("assignedFirst").asText() + ":dispute");
    // Every operator's pool holds delegated stake, so each slash hits the operator and its
    // delegators pro rata.
    for (JsonNode s : report.get("slashes")) {
      assertThat(s.get("fromOperator").asText()).as(s.toString()).isNotEqualTo("0 TDS");
      assertThat(s.get("fromDelegators").asText()).as(s.toString()).isNotEqualTo("0 TDS");
    }
    assertThat(report.get("slashes").get(1).get("paidTo").asText()).startsWith("watchtower-1");
    assertThat(report.get("slashes").get(3).get("paidTo").asText())
        .startsWith("watchtower-1")
        .endsWith("(challenger)");
    for (JsonNode st : report.get("stakes")) {
      if (st.get("name").asText().startsWith("operator-")) {
        assertThat(st.get("delegatedBefore").asText()).isEqualTo("400 TDS");
      }
    }
    // Job 4, the TEE agent: the successor finished it with the same app wallet, and the answer
    // verified.
    assertThat(jobs.get(3).get("finishedBy").asText())
        .isNotEqualTo(jobs.get(3).get("assignedFirst").asText());
    assertThat(jobs.get(3).get("steps").asLong()).isBetween(3L, 5L);
    // Job 5, ZK: the operator that proved it was paid in the transaction that verified the proof;
    // the output is the direct run's.
    assertThat(jobs.get(4).get("paidTo").asText())
        .startsWith("operator-")
        .isEqualTo(jobs.get(4).get("finishedBy").asText());
    assertThat(report.get("gas").get("JobManager.submitCheckedResult").get("calls").asInt())
        .isEqualTo(1);
    assertThat(report.get("timings").get("ZK: overhead (proof time / direct run)").asDouble())
        .isGreaterThan(1);
    assertThat(run.err()).contains("IDENTICAL to the direct computation here", "proven in");
    // Job 6, REEXEC_OBJECTIVE: the liar is refuted at exactly its first wrong step (T(N-1) -> T(N))
    // by the watchtower
    // alone, slashed, and another operator completes the job with the honest trace (checked against
    // the one computed in the demo).
    JsonNode objective = report.get("objective");
    assertThat(objective.get("liar").asText())
        .startsWith("operator-")
        .isEqualTo(jobs.get(5).get("assignedFirst").asText());
    assertThat(objective.get("verdict").asText()).isEqualTo("OPERATOR_REFUTED");
    assertThat(objective.get("lieAtStep").asLong()).isEqualTo(3001L);
    assertThat(objective.get("stepNumber").asLong())
        .isEqualTo(objective.get("lieAtStep").asLong() - 1);
    assertThat(objective.get("liarFailed").asBoolean()).isTrue();
    assertThat(objective.get("slashed").asText()).isNotEqualTo("0 TDS");
    assertThat(objective.get("courtMoves").asInt()).isBetween(5, 5 + 8 + 4);
    assertThat(objective.get("moves").asInt())
        .as("the moves narrated from the court's events, all of them")
        .isEqualTo(objective.get("courtMoves").asInt());
    assertThat(jobs.get(5).get("finishedBy").asText())
        .startsWith("operator-")
        .isNotEqualTo(jobs.get(5).get("assignedFirst").asText())
        .isEqualTo(objective.get("finishedBy").asText())
        .isEqualTo(jobs.get(5).get("paidTo").asText());
    assertThat(jobs.get(5).get("steps").asLong()).isEqualTo(6345L);
    assertThat(report.get("gas").get("JobManager.submitObjectiveResult").get("calls").asInt())
        .isEqualTo(2);
    assertThat(report.get("gas").fieldNames())
        .toIterable()
        .contains(
            "ObjectiveCourt.start",
            "ObjectiveCourt.bisect",
            "ObjectiveCourt.openStride",
            "ObjectiveCourt.proveStep",
            "InputOracle.postInputBlobs");
    assertThat(report.get("timings").get("objective: lie posted -> liar slashed (s)").asDouble())
        .isPositive();
    assertThat(run.err())
        .contains(
            "as an EIP-4844 blob",
            "--lie-at-step 3001",
            "a LIE",
            "proveStep",
            "step reached: T(3,000) -> T(3,001)",
            "OPERATOR_REFUTED at step 3,000 -> 3,001",
            "IDENTICAL to the honest trace computed here",
            "same trace root, no challenge");
    // Job 1 ran the game-world guest for real; jobs 2 and 3 generated tokens with the model.
    assertThat(jobs.get(0).get("steps").asLong()).isGreaterThan(10_000_000L);
    assertThat(jobs.get(1).get("steps").asLong()).isBetween(1L, 48L);
    assertThat(report.get("gas").fieldNames())
        .toIterable()
        .contains(
            "AppRegistry.createApp",
            "JobManager.submitJob",
            "JobManager.heartbeat",
            "JobManager.reportMissed",
            "JobManager.submitResult",
            "JobManager.challenge",
            "IntersubjectiveCourt.vote",
            "IntersubjectiveCourt.resolve",
            "IntersubjectiveCourt.settleVote",
            "JobManager.finalize",
            "BlobRegistry.register",
            "JobManager.assign");
    assertThat(report.get("gas").get("IntersubjectiveCourt.vote").get("calls").asInt())
        .isEqualTo(2);
    assertThat(report.get("gas").get("IntersubjectiveCourt.settleVote").get("calls").asInt())
        .isEqualTo(2);
    // Three programs, an artifact, five envelopes, four outputs and at least eight checkpoints on
    // DA, each certified onchain.
    assertThat(report.get("daCertificates").asInt()).isGreaterThanOrEqualTo(21);
    assertThat(run.err())
        .contains(
            "[9/9] Summary",
            "the SAME wallet as",
            "VERIFIES",
            "its app-wallet signature checked onchain",
            "TEE answer verifies (simulated: true",
            "restoring the TEE app's sealed state",
            "the completion, read back from DA",
            "no process left running",
            "SIGKILL",
            "restoring the snapshot at step",
            "IDENTICAL to the uninterrupted run",
            "CHALLENGED",
            "--lie",
            "SIGSTOP",
            "the public assignment rule",
            "of its delegators'",
            "settled its vote");
  }

  @Test
  void aMissingProgramIsRefusedBeforeAnythingStarts() {
    CliRun run = CliRun.of("demo", "--program", "/nonexistent/gameworld.elf");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err())
        .contains("--program /nonexistent/gameworld.elf is not a readable file")
        .doesNotContain("anvil");
  }
}
