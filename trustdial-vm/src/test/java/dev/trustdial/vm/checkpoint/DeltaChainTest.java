package dev.trustdial.vm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dirty-page tracking is exact: at every checkpoint of the example guests, interpreted and JIT-ed,
 * the chain written so far (full every 4, deltas between, zstd) restores to the live machine's
 * state hash, checkpoint history and output; a machine restored from a chain runs on to the
 * uninterrupted run's result, and its first capture is full.
 */
class DeltaChainTest {
  static Stream<Arguments> guests() {
    byte[] sha = GuestInputs.sha256chain(600, "delta".getBytes(StandardCharsets.UTF_8));
    byte[] game = GuestInputs.gameworld(40, 300, 7);
    return Stream.of(
        Arguments.of("sha256chain", sha, 40_009L, false),
        Arguments.of("sha256chain", sha, 40_009L, true),
        Arguments.of("gameworld", game, 30_011L, false),
        Arguments.of("gameworld", game, 30_011L, true));
  }

  @ParameterizedTest(name = "{0} jit={3}")
  @MethodSource("guests")
  void chainRestoresTheLiveStateAtEveryCheckpoint(
      String guest, byte[] input, long stride, boolean jit) {
    byte[] elf = Guests.elf(guest);
    VmConfig cfg = VmConfig.defaults().withCheckpointEvery(stride).withJit(jit);
    RunResult plain = Vm.load(elf, input, cfg).run(1L << 40, (cp, m) -> {});
    ChainWriter chain = new ChainWriter(4);
    List<Long> restoredAt = new ArrayList<>();
    Machine live = Vm.load(elf, input, cfg);
    RunResult r =
        live.run(
            1L << 40,
            (cp, m) -> {
              ChainWriter.Written w = chain.capture(m);
              assertThat(w.stateHash()).isEqualTo(cp.stateHash());
              Machine back =
                  Vm.restore(
                      w.stored(),
                      chain,
                      SnapshotChain.Limits.DEFAULT,
                      VmInput.of(input),
                      cfg,
                      cp.stateHash());
              assertThat(back.checkpoints())
                  .as("history at step %d", cp.step())
                  .isEqualTo(m.checkpoints());
              assertThat(back.output()).as("output at step %d", cp.step()).isEqualTo(m.output());
              restoredAt.add(cp.step());
            });
    assertThat(r.finalStateHash()).isEqualTo(plain.finalStateHash());
    assertThat(restoredAt).hasSize(plain.checkpoints().size() - 1).hasSizeGreaterThan(8);
    assertThat(chain.links.stream().filter(l -> l.depth() > 0).count())
        .as("deltas written")
        .isGreaterThan(4);

    // Resume from a delta in the middle and run to the end: the same result as the uninterrupted
    // run.
    ChainWriter.Written mid =
        chain.links.stream().filter(l -> l.depth() == 2).findFirst().orElseThrow();
    Machine resumed =
        Vm.restore(
            mid.stored(),
            chain,
            SnapshotChain.Limits.DEFAULT,
            VmInput.of(input),
            cfg,
            mid.stateHash());
    ChainWriter next = new ChainWriter(1000);
    boolean[] firstFull = {false};
    RunResult again =
        resumed.run(
            1L << 40,
            (cp, m) -> {
              CheckpointCapture c = m.capture(false);
              if (next.links.isEmpty()) {
                firstFull[0] = c.full();
              }
              next.add(c);
            });
    assertThat(firstFull[0]).as("a restored machine's first capture is full").isTrue();
    assertThat(again.finalStateHash()).isEqualTo(plain.finalStateHash());
    assertThat(again.checkpointRoot()).isEqualTo(plain.checkpointRoot());
    assertThat(again.output()).isEqualTo(plain.output());
    // and the resumed machine's own chain (one full, then deltas only) restores its final state
    ChainWriter.Written last = next.links.getLast();
    assertThat(last.depth()).isGreaterThan(3);
    assertThat(
            Vm.restore(
                    last.stored(),
                    next,
                    new SnapshotChain.Limits(1L << 30, 1000),
                    VmInput.of(input),
                    cfg,
                    last.stateHash())
                .stateHash())
        .isEqualTo(plain.finalStateHash());
  }
}
