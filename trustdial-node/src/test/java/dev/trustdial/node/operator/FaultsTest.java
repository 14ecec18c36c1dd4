package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.node.watchtower.Watchtower;
import org.junit.jupiter.api.Test;

/** Test-only faults exist on the devnet chain (31337) and nowhere else. */
class FaultsTest {
  @Test
  void lyingIsRefusedOffTheDevnet() {
    assertThatCode(() -> new OperatorNode.Faults(true, false).requireAllowedOn(31337)).doesNotThrowAnyException();
    assertThatCode(() -> OperatorNode.Faults.NONE.requireAllowedOn(1)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new OperatorNode.Faults(true, false).requireAllowedOn(1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("--lie").hasMessageContaining("chain 1 ");
    assertThatThrownBy(() -> new OperatorNode.Faults(true, false).requireAllowedOn(11155111)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new OperatorNode.Faults(false, true).requireAllowedOn(1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("--stall-proving");
  }

  @Test
  void falseChallengesAreRefusedOffTheDevnet() {
    assertThatCode(() -> new Watchtower.Faults(true).requireAllowedOn(31337)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new Watchtower.Faults(true).requireAllowedOn(10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("--false-challenge");
  }
}
