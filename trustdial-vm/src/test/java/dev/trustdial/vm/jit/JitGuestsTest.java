package dev.trustdial.vm.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import dev.trustdial.vm.testing.RandomProgram;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every example guest, and the qemu differential's random instruction streams, interpreted and
 * JIT-ed: the same checkpoint at every stride boundary (strides that cut blocks anywhere), the same
 * final state and output; and most steps really ran in translated code.
 */
class JitGuestsTest {
  static void assertMostlyTranslated(JitStats s, String guest) {
    assertThat(s.regions() + s.reusedRegions()).as(guest).isPositive();
    assertThat(s.translatedSteps())
        .as("%s: translated steps of %s", guest, s)
        .isGreaterThan(4 * s.interpretedSteps());
  }

  @Test
  void sha256chain() {
    byte[] input = GuestInputs.sha256chain(2000, "jit".getBytes(StandardCharsets.UTF_8));
    assertMostlyTranslated(
        JitDifferentialTest.assertSame(
            Guests.elf("sha256chain"), input, 10_007, 1L << 40, "sha256chain"),
        "sha256chain");
  }

  @Test
  void gameworld() {
    for (int seed = 1; seed <= 3; seed++) {
      byte[] input = GuestInputs.gameworld(30, 200 * seed, seed);
      JitStats s =
          JitDifferentialTest.assertSame(
              Guests.elf("gameworld"), input, 4093 * seed, 1L << 40, "gameworld " + seed);
      assertMostlyTranslated(s, "gameworld");
    }
  }

  @Test
  void recommend() {
    byte[] input = GuestInputs.recommend(9, 500, 24, 8);
    assertMostlyTranslated(
        JitDifferentialTest.assertSame(
            Guests.elf("recommend"), input, 65_521, 1L << 40, "recommend"),
        "recommend");
  }

  @Test
  void stories260k() {
    byte[] input =
        GuestInputs.concat(GuestInputs.u32s(2, 1, 1), Guests.resource("stories260K.bin"));
    assertMostlyTranslated(
        JitDifferentialTest.assertSame(
            Guests.elf("stories260k"), input, 1 << 20, 1L << 40, "stories260k"),
        "stories260k");
  }

  @Test
  void stepLimitsAndStridesInsideGuests() {
    byte[] input = GuestInputs.gameworld(10, 300, 5);
    for (long limit : new long[] {1, 63, 64, 65, 1000, 123_457, 999_999, 2_000_003}) {
      JitDifferentialTest.assertSame(
          Guests.elf("gameworld"), input, 1 + limit / 7, limit, "gameworld to " + limit);
    }
  }

  @Test
  void qemuDifferentialStreams() {
    for (long seed = 1; seed <= 60; seed++) {
      JitDifferentialTest.assertSame(
          RandomProgram.generate(seed, 400), new byte[0], 97, 1_000_000, "stream " + seed);
    }
  }
}
