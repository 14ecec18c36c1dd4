package dev.trustdial.tee.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class LaunchConfigTest {
  static final String KEY = "f7b0c469cccb96d135ddfd6595379593c42b409b6ba190d0ce4b378a9ffde662";

  @Test
  void thePinnedKmsKeyIsOptionalAndParsedFromHex() {
    assertThat(LaunchConfig.parse("{}").kmsPublicKey()).isEmpty();
    assertThat(LaunchConfig.parse("{\"kmsPublicKey\": \"0x" + KEY + "\"}").kmsPublicKey())
        .hasValueSatisfying(k -> assertThat(k.toArray()).hasSize(32).startsWith((byte) 0xf7));
    assertThat(
            LaunchConfig.parse("{\"kmsPublicKey\": \"" + KEY.toUpperCase() + "\"}").kmsPublicKey())
        .isPresent();
  }

  @Test
  void aMalformedPinIsRefused() {
    for (String bad :
        new String[] {
          "\"0x" + KEY.substring(2) + "\"",
          "\"" + KEY + "00\"",
          "\"zz" + KEY.substring(2) + "\"",
          "42",
          "\"0x" + "00".repeat(32) + "\""
        }) {
      assertThatThrownBy(() -> LaunchConfig.parse("{\"kmsPublicKey\": " + bad + "}"))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("kmsPublicKey");
    }
  }
}
