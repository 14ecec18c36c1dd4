package dev.trustdial.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixed seeds that run in every test run: each a full scenario (operators, watchtowers, jobs,
 * faults drawn from the seed) checked by every invariant. A seed that once found a bug stays here
 * as its regression test.
 */
class SimulationTest {
  static final Path GUEST = Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");

  static Path guest() {
    assertTrue(
        Files.isRegularFile(GUEST),
        GUEST.toAbsolutePath().normalize()
            + " is missing: run trustdial-vm/setup.sh (./trustdial test does)");
    return GUEST;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void fixedSeedsKeepEveryInvariant(long seed) {
    Simulation.Report r =
        Simulation.run(seed, Simulation.Config.standard(guest(), new Random(seed)));
    System.out.println(r.summary());
    assertTrue(
        r.passed(),
        () ->
            r.summary()
                + "\n"
                + String.join("\n", r.violations())
                + "\ntrace:\n"
                + String.join("\n", r.trace())
                + "\nreproduce: ./trustdial sim --seed "
                + seed);
    assertEquals(r.jobs(), r.finalized() + r.failed(), "every job ended");
  }

  /**
   * The checker's reach: with no watchtower a liar's wrong result is never challenged, so it
   * finalizes (its operator finalizes it once the window ends) and the simulation must report
   * exactly that.
   */
  @Test
  void aLieNobodyWatchesIsReportedAsAWrongFinalization() {
    Simulation.Config unwatched =
        new Simulation.Config(4, 0, 3, 3, false, 0, 0, 0, 0, 0, 0, 0, 600, guest());
    Simulation.Report r = Simulation.run(1, unwatched);
    assertTrue(r.wrongResults() > 0, r::summary);
    assertTrue(
        r.violations().stream().anyMatch(v -> v.contains("finalized with output")),
        () -> String.join("\n", r.violations()));
    assertTrue(
        r.violations().stream().anyMatch(v -> v.contains("was never slashed")),
        () -> String.join("\n", r.violations()));
  }

  @Test
  void aSeedIsAReplayableScenario() {
    Simulation.Config c = Simulation.Config.standard(guest(), new Random(11));
    Simulation.Report a = Simulation.run(11, c);
    Simulation.Report b = Simulation.run(11, c);
    assertEquals(a.events(), b.events());
    assertEquals(a.simulatedSeconds(), b.simulatedSeconds());
    assertEquals(a.faults(), b.faults());
    assertEquals(a.slashes(), b.slashes());
    assertEquals(a.finalized(), b.finalized());
  }
}
