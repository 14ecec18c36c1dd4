package dev.trustdial.node.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts a watchtower gives TEE results that are not valid answers; valid and forged bundles
 * with real (simulated-backend) evidence are checked end to end by PriceAgentJobIT and the demo.
 */
class TeeAnswerCheckTest {
  static final AppInfo APP =
      new AppInfo(
          BigInteger.ONE,
          Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
          TrustMode.TEE,
          Bytes32.ZERO,
          new byte[] {1},
          1);

  @TempDir Path dir;

  @Test
  void aFailureRecordIsReportedAndGarbageIsInvalid() {
    TeeAnswerCheck check = new TeeAnswerCheck(List.of());
    TeeAnswerCheck.Verdict failed =
        check.check(
            APP,
            Optional.empty(),
            "{\"appFailed\":true,\"exitCode\":3,\"simulated\":true,\"timedOut\":false}"
                .getBytes(StandardCharsets.UTF_8),
            Instant.now());
    assertThat(failed.valid()).isTrue();
    assertThat(failed.text()).startsWith("TEE app failed").contains("\"exitCode\":3");
    TeeAnswerCheck.Verdict garbage =
        check.check(
            APP, Optional.empty(), "not json".getBytes(StandardCharsets.UTF_8), Instant.now());
    assertThat(garbage.valid()).isFalse();
    assertThat(garbage.text()).startsWith("TEE answer INVALID: not a signed answer bundle");
  }

  @Test
  void simulationRootsMustBeReadableCertificates() throws Exception {
    assertThatThrownBy(() -> TeeAnswerCheck.withSimulationRoots(List.of(dir.resolve("absent.pem"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a file");
    Path junk =
        Files.writeString(
            dir.resolve("junk.pem"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> TeeAnswerCheck.withSimulationRoots(List.of(junk)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(
            () -> TeeAnswerCheck.withSimulationRoots(java.util.Collections.nCopies(17, junk)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 16");
  }
}
