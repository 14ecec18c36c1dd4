package dev.trustdial.vm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The snapshot path ({@link StrideTrace#stepTrace}, {@link StrideTrace#stateAt}: restore the
 * nearest boundary snapshot) gives exactly what the reference path ({@link TraceRun}'s, from step
 * 0) gives: every step-tree leaf, every claimed state and every proof byte, honest and lying, with
 * the byte cap forcing thinning and with no snapshots at all.
 */
class BoundarySnapshotsTest {
  static final VmConfig CFG = VmConfig.defaults();

  /**
   * sha256chain(1 iteration, 40 bytes): halts at step 6,345 and reads its input (ObjectiveGameIT's
   * job).
   */
  static TraceRun sha256(long maxSteps, int strideLog2) {
    byte[] input =
        GuestInputs.sha256chain(1, "trustdial objective mode, forty bytes!!!".getBytes());
    return TraceRun.honest(
        Guests.elf("sha256chain"), input, CFG, new TraceShape(maxSteps, strideLog2));
  }

  /**
   * Every step tree and the states at several times, both paths; the run halts mid-trace so the
   * padding is covered too.
   */
  static void samePaths(TraceRun run, StrideTrace tr) {
    long strides = tr.run().shape().leafCount();
    for (long i = 0; i < strides; i++) {
      StepTrace fast = tr.stepTrace(i);
      StepTrace ref = run.stepTrace(i);
      for (long j = 0; j < run.shape().stride(); j++) {
        assertThat(fast.node(0, j)).as("stride %d step leaf %d", i, j).isEqualTo(ref.node(0, j));
      }
      assertThat(fast.root()).isEqualTo(ref.root());
      assertThat(fast.node(0, run.shape().stride() - 1)).isEqualTo(tr.leaf(i));
    }
    long span = run.shape().span();
    for (long t :
        new long[] {
          0, 1, 23, 24, 25, 255, 256, 257, 1000, 4095, 4096, 6344, 6345, 6346, span - 1, span
        }) {
      if (t > span) {
        continue;
      }
      StateAt fast = tr.stateAt(t);
      StateAt ref = run.stateAt(t);
      assertThat(fast.state()).as("T(%d)", t).isEqualTo(ref.state());
      assertThat(fast.state().hash()).isEqualTo(ref.state().hash());
      assertThat(fast.proof()).as("proof of the step from %d", t).isEqualTo(ref.proof());
      assertThat(fast.successorHash()).isEqualTo(ref.successorHash());
    }
  }

  @Test
  void honestRun_snapshotPathEqualsTheFromZeroPath() {
    TraceRun run = sha256(8192, 8); // H = 5, S = 256, halts at 6,345
    StrideTrace tr = run.strideTrace();
    BoundarySnapshots snaps = tr.snapshots();
    assertThat(snaps.spacing()).isEqualTo(1);
    assertThat(snaps.count())
        .as("24 boundaries before the halt, and the terminal state")
        .isEqualTo(25);
    assertThat(snaps.maxReplaySteps()).isEqualTo(256);
    samePaths(run, tr);
  }

  @Test
  void lyingRun_theLieIsAppliedTheSameWay() {
    TraceRun honest = sha256(8192, 8);
    TraceRun liar = honest.lying(new TraceLie(3000));
    StrideTrace tr = liar.strideTrace();
    samePaths(liar, tr);
    // the lie shows from step 3000 on in the snapshot path as in the reference path
    assertThat(tr.stateAt(2999).state()).isEqualTo(honest.stateAt(2999).state());
    assertThat(tr.stateAt(3000).state())
        .isNotEqualTo(honest.stateAt(3000).state())
        .isEqualTo(liar.stateAt(3000).state());
    StepTrace ls = tr.stepTrace(11); // T(2817) .. T(3072)
    StepTrace hs = honest.strideTrace().stepTrace(11);
    for (int j = 0; j < 256; j++) {
      assertThat(ls.node(0, j).equals(hs.node(0, j)))
          .as("step leaf %d", j)
          .isEqualTo(11 * 256 + j + 1 < 3000);
    }
  }

  @Test
  void aByteCapThinsTheSnapshotsAndKeepsTheResultsEqual() {
    TraceRun run = sha256(8192, 8);
    long one = run.strideTrace().snapshots().bytes() / 25; // about one snapshot's bytes
    StrideTrace tr = run.strideTrace(6 * one);
    BoundarySnapshots snaps = tr.snapshots();
    assertThat(snaps.bytes()).isLessThanOrEqualTo(6 * one);
    assertThat(snaps.spacing()).isGreaterThan(1);
    assertThat(snaps.count()).isLessThanOrEqualTo(6);
    assertThat(snaps.taken()).isGreaterThan(snaps.count());
    assertThat(snaps.maxReplaySteps()).isEqualTo(snaps.spacing() * 256);
    samePaths(run, tr);
  }

  @Test
  void aCountCapThinsTheSnapshotsToo() {
    TraceRun run = sha256(8192, 6); // S = 64, 128 leaves, 99 boundaries before the halt
    StrideTrace tr = run.strideTrace(BoundarySnapshots.DEFAULT_BYTE_CAP, 20);
    BoundarySnapshots snaps = tr.snapshots();
    assertThat(snaps.spacing()).isEqualTo(8); // 99 boundaries: 49 at spacing 2, 24 at 4, 12 at 8
    assertThat(snaps.count()).isEqualTo(12 + 1);
    assertThat(snaps.maxReplaySteps()).isEqualTo(8 * 64);
    samePaths(run, tr);
    assertThat(run.strideTrace().snapshots().count())
        .as("under the default cap: every boundary")
        .isEqualTo(99 + 1);
  }

  @Test
  void noSnapshots_everyLookupFromStepZero() {
    TraceRun run = sha256(8192, 8);
    StrideTrace tr = run.strideTrace(0);
    assertThat(tr.snapshots().count()).isZero();
    assertThat(tr.snapshots().maxReplaySteps()).isEqualTo(8192);
    samePaths(run, tr);
    assertThatThrownBy(() -> run.strideTrace(-1)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aRunStillGoingAtTheSpan_noTerminalSnapshot() {
    TraceRun run = sha256(4096, 8); // N * S = 4096 < 6,345
    StrideTrace tr = run.strideTrace();
    assertThat(tr.halted()).isFalse();
    assertThat(tr.snapshots().count()).isEqualTo(16);
    samePaths(run, tr);
  }

  @Test
  void strideOne_everyStateIsOneRestore() {
    byte[] elf = TraceCommitmentTest.counter(5); // halts at step 8
    TraceRun run = TraceRun.honest(elf, new byte[0], CFG, new TraceShape(12, 0));
    StrideTrace tr = run.strideTrace();
    for (long t = 0; t <= 16; t++) {
      assertThat(tr.stateAt(t).state()).isEqualTo(run.stateAt(t).state());
      assertThat(Arrays.equals(tr.stateAt(t).proof(), run.stateAt(t).proof())).isTrue();
    }
  }
}
