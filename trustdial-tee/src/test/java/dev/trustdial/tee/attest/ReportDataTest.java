package dev.trustdial.tee.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Hex;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportDataTest {
  /** Vector in docs/spec/attestation.md, computed independently with Python's hashlib. */
  @Test
  void matchesTheSpecVector() {
    assertThat(
            Hex.encodeBare(
                ReportData.bind("test", "abc".getBytes(StandardCharsets.US_ASCII), new byte[0])))
        .isEqualTo(
            "59f8ec7e9ea7d0fb950858694a7f6ea2b4fb53ab9052b1a791c30e4609a1aa46"
                + "bcd3810fdc344b26caf24cfe318ad82b0be607f8aafca4334a6ead82650b0197");
  }

  @Test
  void lengthPrefixesAndPurposeSeparateBindings() {
    byte[] ab =
        ReportData.bind(
            "p", "a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII));
    byte[] ab2 = ReportData.bind("p", "ab".getBytes(StandardCharsets.US_ASCII), new byte[0]);
    byte[] other =
        ReportData.bind(
            "q", "a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII));
    assertThat(ab).hasSize(64).isNotEqualTo(ab2).isNotEqualTo(other);
    assertThatThrownBy(() -> ReportData.bind("has space"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
