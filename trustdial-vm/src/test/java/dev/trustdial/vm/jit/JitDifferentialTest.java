package dev.trustdial.vm.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.vm.GuestFault;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JIT against the interpreter on seeded random programs (JitPrograms): the same checkpoints
 * (step and state hash) at every stride boundary, the same final state, output and fault, for
 * checkpoint strides and step limits that cut blocks at every position.
 */
class JitDifferentialTest {
  static final VmConfig INTERPRETER = VmConfig.defaults().withJit(false);
  static final VmConfig JIT = VmConfig.defaults().withJit(true);

  /** Runs to limit (or a terminal state) and records what a run exposes. */
  record Outcome(List<Checkpoint> checkpoints, VmState state, byte[] output, String fault) {}

  static Outcome run(byte[] elf, byte[] input, VmConfig cfg, long limit, List<JitStats> stats) {
    Machine m = Vm.load(elf, input, cfg);
    List<Checkpoint> seen = new ArrayList<>();
    m.runTo(limit, (cp, machine) -> seen.add(cp));
    if (!seen.isEmpty()) {
      assertThat(m.checkpoints()).containsSubsequence(seen);
    }
    String fault = "";
    if (m.faulted()) {
      GuestFault f = m.fault();
      fault =
          f.step()
              + " "
              + Integer.toHexString(f.pc())
              + " "
              + f.faultClass()
              + " "
              + f.getMessage();
    }
    m.jitStats().ifPresent(stats::add);
    return new Outcome(m.checkpoints(), m.state(), m.output(), fault);
  }

  static JitStats assertSame(byte[] elf, byte[] input, long stride, long limit, String what) {
    return assertSame(elf, input, VmConfig.DEFAULT_RAM_END, stride, limit, what);
  }

  static JitStats assertSame(
      byte[] elf, byte[] input, long ramEnd, long stride, long limit, String what) {
    List<JitStats> stats = new ArrayList<>();
    Outcome a =
        run(elf, input, INTERPRETER.withCheckpointEvery(stride).withRamEnd(ramEnd), limit, stats);
    Outcome b = run(elf, input, JIT.withCheckpointEvery(stride).withRamEnd(ramEnd), limit, stats);
    int n = Math.min(a.checkpoints().size(), b.checkpoints().size());
    for (int k = 0; k < n; k++) {
      assertThat(b.checkpoints().get(k))
          .as("%s checkpoint %d of %d", what, k, a.checkpoints().size())
          .isEqualTo(a.checkpoints().get(k));
    }
    assertThat(b.checkpoints().size()).as("%s checkpoints", what).isEqualTo(a.checkpoints().size());
    assertThat(b.state().toString()).as("%s final state", what).isEqualTo(a.state().toString());
    assertThat(b.output()).as("%s output", what).isEqualTo(a.output());
    assertThat(b.fault()).as("%s fault", what).isEqualTo(a.fault());
    assertThat(stats).hasSize(1);
    return stats.getFirst();
  }

  @Test
  void randomProgramsRunAsInterpreted() {
    long translated = 0;
    List<String> faultsSeen = new ArrayList<>();
    for (long seed = 1; seed <= 120; seed++) {
      Random rnd = new Random(seed * 31);
      // a small RAM window too: the window's end is a constant in translated code
      long ramEnd = seed % 4 == 0 ? 0x0002_0000L : VmConfig.DEFAULT_RAM_END;
      JitPrograms.Program p = JitPrograms.generate(seed, (int) ramEnd);
      long stride =
          switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextInt(100);
            case 1 -> 100 + rnd.nextInt(5000);
            case 2 -> 1 << (6 + rnd.nextInt(12));
            default -> 1L << 40;
          };
      long limit = rnd.nextInt(3) == 0 ? 1000 + rnd.nextInt(200_000) : 10_000_000;
      JitStats s =
          assertSame(
              p.elf(),
              new byte[0],
              ramEnd,
              stride,
              limit,
              "seed "
                  + seed
                  + " ("
                  + p.fault()
                  + ", stride "
                  + stride
                  + ", limit "
                  + limit
                  + ", ramEnd "
                  + Long.toHexString(ramEnd)
                  + ")");
      translated += s.translatedSteps();
      faultsSeen.add(p.fault());
    }
    assertThat(translated).as("steps run by translated code").isGreaterThan(1_000_000);
    assertThat(faultsSeen).containsAll(List.of(JitPrograms.FAULTS));
  }

  @Test
  void everyLimitInsideAHotLoopStopsAtTheSameState() {
    JitPrograms.Program p = JitPrograms.generate(7, (int) VmConfig.DEFAULT_RAM_END);
    for (long limit = 20_000;
        limit < 20_130;
        limit += 1) { // past any block length: every cut position
      assertSame(p.elf(), new byte[0], 1L << 40, limit, "limit " + limit);
    }
  }

  @Test
  void aJitRunRestoredFromASnapshotEndsAsTheInterpreter() {
    for (long seed = 300; seed < 310; seed++) {
      JitPrograms.Program p = JitPrograms.generate(seed, (int) VmConfig.DEFAULT_RAM_END);
      Machine interpreted = Vm.load(p.elf(), new byte[0], INTERPRETER.withCheckpointEvery(5000));
      interpreted.runTo(10_000_000, (cp, m) -> {});
      Machine first = Vm.load(p.elf(), new byte[0], JIT.withCheckpointEvery(5000));
      first.runTo(25_000, (cp, m) -> {});
      Machine resumed = Vm.restore(first.snapshot(), new byte[0], JIT);
      resumed.runTo(10_000_000, (cp, m) -> {});
      assertThat(resumed.state()).as("seed %d", seed).isEqualTo(interpreted.state());
      assertThat(resumed.checkpoints()).as("seed %d", seed).isEqualTo(interpreted.checkpoints());
    }
  }

  @Test
  void selfModifyingCodeDropsTranslations() {
    long invalidated = 0;
    for (long seed = 200; seed < 230; seed++) {
      JitPrograms.Program p = JitPrograms.generate(seed, (int) VmConfig.DEFAULT_RAM_END);
      invalidated +=
          assertSame(p.elf(), new byte[0], 4096, 10_000_000, "seed " + seed).invalidatedPages();
    }
    assertThat(invalidated).isPositive();
  }
}
