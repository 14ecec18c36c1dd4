package dev.trustdial.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.CliRun;
import org.junit.jupiter.api.Test;

class SimCommandTest {
  static final String GUEST = "../trustdial-vm/target/guest/sha256chain.elf";

  @Test
  void aSeedWithObjectiveJobsRunsTheirGamesAndPasses() {
    CliRun r = CliRun.ok("sim", "--seed", "3", "--objective-jobs", "2", "--program", GUEST);
    assertThat(r.out()).contains("1 seed(s) run, 0 failed");
  }

  @Test
  void badScenarioOptionsAreRefusedWithExit2() {
    CliRun negative = CliRun.of("sim", "--seed", "3", "--objective-jobs", "-1", "--program", GUEST);
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("none negative");
    CliRun both = CliRun.of("sim", "--seed", "3", "--seeds", "2");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("give exactly one of --seed S");
  }

  @Test
  void aReproductionLineRepeatsTheScenarioOptions() {
    SimCommand c = new SimCommand();
    c.jobs = 2;
    c.objectiveJobs = 1;
    assertThat(c.scenarioOptions()).isEqualTo(" --jobs 2 --objective-jobs 1");
  }
}
