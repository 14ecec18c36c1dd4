package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Restoring a snapshot taken at any checkpoint and continuing equals the uninterrupted run. */
class SnapshotPropertiesTest {
  static final byte[] INPUT =
      GuestInputs.sha256chain(300, "snapshot".getBytes(StandardCharsets.UTF_8));

  @Property(tries = 12)
  void restoreAtRandomCheckpointGivesTheSameRun(
      @ForAll @IntRange(min = 10, max = 16) int strideLog,
      @ForAll @IntRange(min = 0, max = 1000) int pick) {
    byte[] elf = Guests.elf("sha256chain");
    VmConfig cfg = VmConfig.defaults().withCheckpointEvery(1L << strideLog);
    RunResult full = Vm.load(elf, INPUT, cfg).run(1L << 40, CheckpointSink.NONE);
    int i = pick % full.checkpoints().size();
    Checkpoint target = full.checkpoints().get(i);
    byte[][] snap = new byte[1][];
    Machine first = Vm.load(elf, INPUT, cfg);
    if (i == 0) {
      snap[0] = first.snapshot();
    } else {
      first.run(
          1L << 40,
          (cp, m) -> {
            if (cp.step() == target.step()) {
              snap[0] = m.snapshot();
            }
          });
    }
    Machine resumed = Vm.restore(snap[0], INPUT, cfg, target.stateHash());
    RunResult r = resumed.exited() ? resumed.result() : resumed.run(1L << 40, CheckpointSink.NONE);
    assertThat(r.finalStateHash()).isEqualTo(full.finalStateHash());
    assertThat(r.checkpointRoot()).isEqualTo(full.checkpointRoot());
    assertThat(r.checkpoints()).isEqualTo(full.checkpoints());
    assertThat(r.output()).isEqualTo(full.output());
  }

  @Property(tries = 30)
  void corruptedSnapshotsAreRefused(@ForAll @IntRange(min = 0, max = 1_000_000) int where) {
    Machine m = Vm.load(Guests.elf("sha256chain"), INPUT, VmConfig.defaults());
    m.runTo(5000, CheckpointSink.NONE);
    byte[] snap = m.snapshot();
    snap[where % snap.length] ^= 0x10;
    assertThatThrownBy(() -> Vm.restore(snap, INPUT, VmConfig.defaults()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Property(tries = 5)
  void wrongInputOrUntrustedHashIsRefused(@ForAll @IntRange(min = 1, max = 100) int n) {
    Machine m = Vm.load(Guests.elf("sha256chain"), INPUT, VmConfig.defaults());
    m.runTo(1000L * n, CheckpointSink.NONE);
    byte[] snap = m.snapshot();
    assertThatThrownBy(() -> Vm.restore(snap, new byte[] {1}, VmConfig.defaults()))
        .hasMessageContaining("different input");
    assertThatThrownBy(() -> Vm.restore(snap, INPUT, VmConfig.defaults(), Bytes32.ZERO))
        .hasMessageContaining("not the expected");
    assertThat(Vm.restore(snap, INPUT, VmConfig.defaults(), m.stateHash()).stateHash())
        .isEqualTo(m.stateHash());
  }
}
