package dev.trustdial.cli.explorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad invocations of {@code trustdial explorer} are refused with exit 2 and a message, before
 * anything starts.
 */
class ExplorerCommandTest {
  @TempDir Path dir;

  @Test
  void needsExactlyOneOfDevnetOrChain() {
    CliRun none = CliRun.of("explorer");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(none.err()).contains("--devnet", "--chain");
    CliRun both =
        CliRun.of(
            "explorer", "--devnet", dir.toString(), "--chain", dir.resolve("c.json").toString());
    assertThat(both.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void aDirectoryWithoutADevnetOrABadChainConfigIsBadInput() throws Exception {
    CliRun noDevnet = CliRun.of("explorer", "--devnet", dir.toString());
    assertThat(noDevnet.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noDevnet.err()).contains("no devnet in");
    Path chain =
        Files.writeString(
            dir.resolve("chain.json"),
            "{\"rpcUrl\": \"ftp://x\", \"chainId\": 1, \"contracts\": {}}");
    CliRun badChain = CliRun.of("explorer", "--chain", chain.toString());
    assertThat(badChain.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badChain.err()).contains("rpcUrl must be an http(s) URL");
    CliRun badPort = CliRun.of("explorer", "--chain", chain.toString(), "--port", "70000");
    assertThat(badPort.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
