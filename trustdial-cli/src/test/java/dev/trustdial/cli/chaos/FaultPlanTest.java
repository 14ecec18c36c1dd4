package dev.trustdial.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  static final FaultPlan.Shape FULL =
      new FaultPlan.Shape(
          List.of("operator-1", "operator-2", "operator-3"),
          List.of("da-node-1", "da-node-2", "da-node-3", "da-node-4"),
          List.of("watchtower-1"),
          20);

  @Test
  void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
    assertThat(FaultPlan.draw(42, 3, FULL)).isEqualTo(FaultPlan.draw(42, 3, FULL));
    assertThat(FaultPlan.draw(42, 3, FULL).describe())
        .isEqualTo(FaultPlan.draw(42, 3, FULL).describe());
    assertThat(FaultPlan.draw(43, 3, FULL).lanes())
        .isNotEqualTo(FaultPlan.draw(42, 3, FULL).lanes());
  }

  @Test
  void everyKindIsDealtOnceBeforeTheHorizonThenKindsAreDrawn() {
    for (long seed = 0; seed < 200; seed++) {
      FaultPlan p = FaultPlan.draw(seed, 2, FULL);
      assertThat(p.counts().values()).as("seed %d: %s", seed, p.describe()).allMatch(c -> c >= 1);
      for (FaultPlan.Lane l : p.lanes()) {
        long last = -1;
        for (Fault f : l.faults()) {
          assertThat(f.notBeforeSeconds()).isGreaterThan(last).isLessThan(2 * 60);
          last = f.notBeforeSeconds();
          switch (f) {
            case Fault.Stall s -> {
              assertThat(s.stallSeconds()).isBetween(3L, 40L);
              assertThat(s.pastWindow()).isEqualTo(s.stallSeconds() > 20);
            }
            case Fault.Kill k -> assertThat(k.downSeconds()).isBetween(1L, 10L);
            case Fault.DaDown d -> assertThat(d.target()).startsWith("da-node-");
            case Fault.Liar liar -> assertThat(liar.target()).startsWith("operator-");
            case Fault.FalseChallenger c -> assertThat(c.target()).isEqualTo("watchtower-1");
          }
        }
      }
    }
    // Over many seeds both long (past the heartbeat window) and short stalls are drawn.
    List<Fault.Stall> stalls =
        java.util.stream.LongStream.range(0, 200)
            .mapToObj(s -> FaultPlan.draw(s, 5, FULL))
            .flatMap(p -> p.lanes().stream())
            .flatMap(l -> l.faults().stream())
            .filter(f -> f instanceof Fault.Stall)
            .map(f -> (Fault.Stall) f)
            .toList();
    assertThat(stalls).anyMatch(Fault.Stall::pastWindow).anyMatch(s -> !s.pastWindow());
  }

  @Test
  void aSmallDevnetGetsOnlyTheFaultsItCanSurviveAndSaysWhy() {
    FaultPlan p =
        FaultPlan.draw(
            7, 2, new FaultPlan.Shape(List.of("operator-1"), List.of("da-node-1"), List.of(), 20));
    assertThat(p.counts().get(Fault.Kind.DA_DOWN)).isZero();
    assertThat(p.counts().get(Fault.Kind.LIAR)).isZero();
    assertThat(p.counts().get(Fault.Kind.FALSE_CHALLENGER)).isZero();
    assertThat(p.counts().get(Fault.Kind.KILL)).isPositive();
    assertThat(String.join("\n", p.describe()))
        .contains("no DA outage", "no liar", "no false challenger");
  }
}
