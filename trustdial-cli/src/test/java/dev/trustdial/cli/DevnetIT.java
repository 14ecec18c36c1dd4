package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code trustdial devnet up|status|down} with a real anvil, including the refusals. */
class DevnetIT {
  @Test
  void upStatusRefuseSecondUpDown() throws Exception {
    Path dir = Files.createTempDirectory("devnet-it");
    CliRun up =
        CliRun.of(
            "devnet",
            "up",
            "--dir",
            dir.toString(),
            "--da-nodes",
            "2",
            "--operators",
            "1",
            "--watchtowers",
            "1");
    try {
      assertThat(up.exitCode()).as(up.err()).isZero();
      assertThat(up.out()).contains("devnet ready", "JobManager");
      DevnetDescriptor d = DevnetDescriptor.read(dir);
      assertThat(d.contracts())
          .containsKeys(
              "StakeToken", "StakeRegistry", "AppRegistry", "JobManager", "IntersubjectiveCourt");
      assertThat(d.accounts())
          .extracting(DevnetDescriptor.Account::name)
          .contains("operator-1", "watchtower-1", "developer");
      assertThat(d.contracts()).containsKey("BlobRegistry");
      assertThat(d.processes())
          .extracting(DevnetDescriptor.ProcessEntry::name)
          .containsExactlyInAnyOrder(
              "anvil", "da-node-1", "da-node-2", "kms", "operator-1", "watchtower-1", "explorer");
      assertThat(up.out()).containsPattern("explorer: http://127\\.0\\.0\\.1:\\d+/");
      assertThat(d.processes().getFirst().name()).isEqualTo("anvil");
      // The operator registered and staked itself, with the VERIFIER role so it can vote in
      // disputes.
      CliRun op = CliRun.of("chain", "operator", "--dir", dir.toString(), "operator-1");
      assertThat(op.exitCode()).as(op.err()).isZero();
      assertThat(op.out())
          .contains("COMPUTE", "VERIFIER", "TEE", "1000 TDS its own", "400 TDS delegated");
      assertThat(d.accounts())
          .extracting(DevnetDescriptor.Account::name)
          .contains("delegator-1", "delegator-2");
      assertThat(d.contracts()).containsKey("SettlementTimelock");
      JsonNode config = new ObjectMapper().readTree(dir.resolve("operator-1/config.json").toFile());
      assertThat(config.path("chain").asText()).isEqualTo("../devnet.json");
      assertThat(config.path("tee").path("install").asText()).isEqualTo("tee");
      // The operator runs TEE jobs on its own simulated install; the devnet KMS trusts exactly
      // those installs.
      assertThat(dir.resolve("operator-1/tee/sim-root.pem")).exists();
      assertThat(Files.readString(dir.resolve("kms/kms.log")))
          .contains("accepting INSECURE simulated evidence from 1 simulation root");
      assertThat(d.processes()).allMatch(p -> p.live().isPresent());

      CliRun status = CliRun.of("devnet", "status", "--dir", dir.toString(), "--json");
      assertThat(status.exitCode()).as(status.err()).isZero();
      JsonNode s = new ObjectMapper().readTree(status.out());
      assertThat(s.get("running").asBoolean()).isTrue();
      assertThat(s.get("blockNumber").asLong()).isPositive();

      String before = Files.readString(dir.resolve(DevnetDescriptor.FILE));
      CliRun again = CliRun.of("devnet", "up", "--dir", dir.toString());
      assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(again.err()).contains("already running");
      assertThat(Files.readString(dir.resolve(DevnetDescriptor.FILE))).isEqualTo(before);
    } finally {
      CliRun down = CliRun.of("devnet", "down", "--dir", dir.toString());
      assertThat(down.exitCode()).as(down.err()).isZero();
      assertThat(down.out())
          .contains("stopped", "anvil", "da-node-2", "kms", "operator-1", "watchtower-1");
    }
    CliRun gone = CliRun.of("devnet", "status", "--dir", dir.toString());
    assertThat(gone.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(gone.err()).contains("no devnet in");
  }

  @Test
  void outOfRangeFlagsAreRefusedBeforeAnythingStarts() throws Exception {
    Path dir = Files.createTempDirectory("devnet-it-bad");
    CliRun bad = CliRun.of("devnet", "up", "--dir", dir.toString(), "--block-time", "99");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("--block-time must be within 1..60");
    assertThat(DevnetDescriptor.exists(dir)).isFalse();
    CliRun notANumber = CliRun.of("devnet", "up", "--dir", dir.toString(), "--block-time", "soon");
    assertThat(notANumber.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    CliRun tooMany = CliRun.of("devnet", "up", "--dir", dir.toString(), "--da-nodes", "9");
    assertThat(tooMany.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(tooMany.err()).contains("--da-nodes must be within 0..4");
    CliRun tooManyOperators =
        CliRun.of("devnet", "up", "--dir", dir.toString(), "--operators", "4");
    assertThat(tooManyOperators.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(tooManyOperators.err()).contains("--operators must be within 0..3");
    CliRun noDa =
        CliRun.of("devnet", "up", "--dir", dir.toString(), "--da-nodes", "0", "--operators", "1");
    assertThat(noDa.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noDa.err()).contains("at least one DA node");
    assertThat(DevnetDescriptor.exists(dir)).isFalse();
    CliRun unknown = CliRun.of("devnet", "sideways");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
