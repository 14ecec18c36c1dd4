package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import dev.trustdial.vm.testing.Qemu;
import dev.trustdial.vm.testing.RandomProgram;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The VM against qemu-riscv32 (qemu-user): same ELF, same input, same output and exit code. */
class QemuDifferentialIT {
  static final VmConfig CFG = VmConfig.defaults();

  static void assertSame(byte[] elf, byte[] input) throws Exception {
    RunResult vm = Vm.load(elf, input, CFG).run(10_000_000_000L, CheckpointSink.NONE);
    Qemu.Result q = Qemu.run(elf, input);
    assertThat(vm.output().toArray()).as("output").isEqualTo(q.stdout());
    assertThat(vm.exitCode() & 0xff).as("exit code").isEqualTo(q.exitCode());
  }

  /**
   * Random RV32IM streams: edge-valued registers, every opcode, misaligned loads and stores; the
   * output is all 31 registers plus the 256-byte scratch area they stored into.
   */
  @Test
  void randomInstructionStreamsMatchQemu() throws Exception {
    for (long seed = 1; seed <= 60; seed++) {
      byte[] elf = RandomProgram.generate(seed, 400);
      RunResult vm = Vm.load(elf, new byte[0], CFG).run(1_000_000, CheckpointSink.NONE);
      Qemu.Result q = Qemu.run(elf, new byte[0]);
      assertThat(vm.output().toArray()).as("seed %d", seed).hasSize(384).isEqualTo(q.stdout());
      assertThat(vm.exitCode()).isEqualTo(q.exitCode()).isEqualTo(7);
    }
  }

  @Test
  void sha256chainMatchesQemu() throws Exception {
    assertSame(
        Guests.elf("sha256chain"),
        GuestInputs.sha256chain(300, "differential".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void gameworldMatchesQemu(int seed) throws Exception {
    assertSame(Guests.elf("gameworld"), GuestInputs.gameworld(40, 300 * seed, seed));
  }

  @Test
  void recommendMatchesQemu() throws Exception {
    assertSame(Guests.elf("recommend"), GuestInputs.recommend(9, 500, 24, 8));
  }

  @Test
  void stories260kMatchesQemu() throws Exception {
    assertSame(
        Guests.elf("stories260k"),
        GuestInputs.concat(GuestInputs.u32s(3, 1, 1), Guests.resource("stories260K.bin")));
  }
}
