package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import dev.trustdial.vm.testing.RunMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same guest gives the same final state hash, checkpoint root and output in the interpreter
 * (-Xint), C1 only, and the default tiered JIT (this JVM), each in its own process.
 */
class JitTierDeterminismIT {
  @ParameterizedTest
  @ValueSource(strings = {"-Xint", "-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation"})
  void sameResultsUnderEveryJitTier(String flag) throws Exception {
    check(
        flag, "sha256chain", GuestInputs.sha256chain(40, "tiers".getBytes(StandardCharsets.UTF_8)));
    check(flag, "gameworld", GuestInputs.gameworld(6, 150, 3));
    check(flag, "recommend", GuestInputs.recommend(5, 40, 8, 3));
  }

  static void check(String flag, String guest, byte[] input) throws Exception {
    long stride = 1 << 13;
    String expected = RunMain.line(Guests.elf(guest), input, stride);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                flag,
                "-cp",
                System.getProperty("java.class.path"),
                RunMain.class.getName(),
                Guests.DIR.resolve(guest + ".elf").toString(),
                Hex.encode(input),
                Long.toString(stride)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as("%s %s", guest, flag).isEqualTo(expected);
  }
}
