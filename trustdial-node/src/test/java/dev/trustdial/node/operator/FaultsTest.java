package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.node.NodeMain;
import dev.trustdial.node.watchtower.Watchtower;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Test-only faults exist on the devnet chain (31337) and nowhere else, and their flags are checked
 * before a node starts.
 */
class FaultsTest {
  @Test
  void lyingIsRefusedOffTheDevnet() {
    assertThatCode(() -> new OperatorNode.Faults(true, false).requireAllowedOn(31337))
        .doesNotThrowAnyException();
    assertThatCode(() -> OperatorNode.Faults.NONE.requireAllowedOn(1)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new OperatorNode.Faults(true, false).requireAllowedOn(1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--lie")
        .hasMessageContaining("chain 1 ");
    assertThatThrownBy(() -> new OperatorNode.Faults(true, false).requireAllowedOn(11155111))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new OperatorNode.Faults(false, true).requireAllowedOn(1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--stall-proving");
  }

  @Test
  void objectiveGameFaultsAreRefusedOffTheDevnet() {
    assertThatCode(() -> new OperatorNode.Faults(false, false, 3001, true).requireAllowedOn(31337))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new OperatorNode.Faults(false, false, 3001, false).requireAllowedOn(1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--lie-at-step")
        .hasMessageContaining("chain 1 ");
    assertThatThrownBy(() -> new OperatorNode.Faults(false, false, 0, true).requireAllowedOn(10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--silent-in-game");
    assertThatThrownBy(() -> new OperatorNode.Faults(false, false, -1, false))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void nodeFlagsAreParsedBeforeAnythingStarts() {
    // Each is refused while parsing the flags: no config is read, no chain is reached.
    assertThatThrownBy(() -> NodeMain.start("operator", null, List.of("--lie-at-step")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("needs a step number");
    assertThatThrownBy(() -> NodeMain.start("operator", null, List.of("--lie-at-step", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> NodeMain.start("operator", null, List.of("--lie-at-step=0")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> NodeMain.start("watchtower", null, List.of("--lie-at-step", "5")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--lie-at-step is an operator flag");
    assertThatThrownBy(() -> NodeMain.start("watchtower", null, List.of("--silent-in-game")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--silent-in-game is an operator flag");
    assertThatThrownBy(() -> NodeMain.start("operator", null, List.of("--lie-at-stp", "5")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown flag");
  }

  @Test
  void falseChallengesAreRefusedOffTheDevnet() {
    assertThatCode(() -> new Watchtower.Faults(true).requireAllowedOn(31337))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new Watchtower.Faults(true).requireAllowedOn(10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--false-challenge");
  }
}
