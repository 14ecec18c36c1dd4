package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One short seeded chaos run on a real devnet ({@code devnet up}: anvil, 4 DA nodes, 3 operators, a
 * watchtower, each its own process): the seed's plan kills, stalls, takes a DA node down, makes an
 * operator lie and the watchtower challenge falsely, while jobs run; the invariants checked from
 * the chain must hold, and the faults must have reached the processes.
 */
class ChaosIT {
  /**
   * Its 1-minute plan: operator-3 lies first, then operator-2 is killed twice and operator-1
   * stalled (after the liar's dispute: one lock), two DA nodes go down in turn.
   */
  static final long SEED = 7;

  @Test
  void aSeededChaosRunKeepsEveryInvariant() throws Exception {
    Path dir = Files.createTempDirectory("chaos-it");
    CliRun up = CliRun.of("devnet", "up", "--dir", dir.toString());
    try {
      assertThat(up.exitCode()).as(up.err()).isZero();
      CliRun run =
          CliRun.of(
              "chaos",
              "--devnet",
              dir.toString(),
              "--seed",
              Long.toString(SEED),
              "--minutes",
              "1",
              "--json");
      JsonNode r = new ObjectMapper().readTree(run.out());
      assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
      assertThat(r.get("violations")).as(run.err()).isEmpty();
      assertThat(run.err()).contains("fault plan for seed " + SEED, "SIGKILL", "SIGSTOP");
      JsonNode injected = r.get("injected");
      assertThat(injected.get("KILL").asInt()).as(run.err()).isPositive();
      assertThat(injected.get("STALL").asInt()).as(run.err()).isPositive();
      assertThat(injected.get("LIAR").asInt()).as(run.err()).isPositive();
      JsonNode audit = r.get("audit");
      assertThat(audit.get("jobsSubmitted").asInt()).isGreaterThanOrEqualTo(5);
      assertThat(audit.get("jobsFinalized").asInt()).isPositive();
      assertThat(audit.get("liesCaught").asInt()).as(run.err()).isGreaterThanOrEqualTo(1);
      assertThat(audit.get("liesCaught").asInt() + audit.get("liesPending").asInt())
          .isEqualTo(audit.get("liesPosted").asInt());
      assertThat(audit.get("wrongSlashes").asInt()).isZero();
      assertThat(audit.get("slashes").get("dispute").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(r.get("reproduce").asText())
          .isEqualTo("trustdial chaos --devnet " + dir + " --seed " + SEED + " --minutes 1");
      // Every process is up again after the run: chaos leaves the devnet as it found it.
      CliRun status = CliRun.of("devnet", "status", "--dir", dir.toString());
      assertThat(status.exitCode()).as(status.out()).isZero();
    } finally {
      CliRun down = CliRun.of("devnet", "down", "--dir", dir.toString());
      assertThat(down.exitCode()).as(down.err()).isZero();
    }
  }
}
