package dev.trustdial.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad arguments are refused with exit 2 and a specific message, before anything is touched. */
class ChaosArgumentsTest {
  @Test
  void badArgumentsExitTwoWithAClearMessage() throws Exception {
    Path empty = Files.createTempDirectory("chaos-args");
    CliRun notALong =
        CliRun.of("chaos", "--devnet", empty.toString(), "--seed", "x1", "--minutes", "1");
    assertThat(notALong.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(notALong.err()).contains("--seed");
    CliRun tooLong =
        CliRun.of("chaos", "--devnet", empty.toString(), "--seed", "1", "--minutes", "121");
    assertThat(tooLong.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(tooLong.err()).contains("--minutes must be within 1..120, got 121");
    CliRun zero = CliRun.of("chaos", "--devnet", empty.toString(), "--seed", "1", "--minutes", "0");
    assertThat(zero.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    CliRun noDir =
        CliRun.of(
            "chaos", "--devnet", empty.resolve("nope").toString(), "--seed", "1", "--minutes", "1");
    assertThat(noDir.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noDir.err()).contains("is not a directory", "trustdial devnet up --dir");
    CliRun noDevnet =
        CliRun.of("chaos", "--devnet", empty.toString(), "--seed", "-5", "--minutes", "1");
    assertThat(noDevnet.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noDevnet.err()).contains("no devnet in");
    CliRun missing = CliRun.of("chaos", "--devnet", empty.toString(), "--minutes", "1");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("--seed");
    assertThat(empty).isEmptyDirectory();
  }
}
