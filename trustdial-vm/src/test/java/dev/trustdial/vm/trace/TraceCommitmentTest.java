package dev.trustdial.vm.trace;

import static dev.trustdial.vm.testing.Asm.ECALL;
import static dev.trustdial.vm.testing.Asm.addi;
import static dev.trustdial.vm.testing.Asm.li;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.testing.TestElf;
import dev.trustdial.vm.testing.VectorPrograms;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace commitment of docs/spec/objective.md §2 against a machine stepped by hand. */
class TraceCommitmentTest {
  static final VmConfig CFG = VmConfig.defaults();

  /**
   * {@code n} increments of x5, then exit 0: halts at step n + 3 (li a7 is one instruction, a0 is
   * 0).
   */
  static byte[] counter(int n) {
    int[] code = new int[n];
    java.util.Arrays.fill(code, addi(5, 5, 1));
    return TestElf.build(VectorPrograms.concat(code, li(17, 93), new int[] {ECALL}), 0);
  }

  /** T(0..upTo) of the true run, a terminal state repeated. */
  static List<VmState> states(byte[] elf, long upTo) {
    Machine m = Vm.load(elf, new byte[0], CFG);
    List<VmState> out = new ArrayList<>();
    for (long t = 0; t <= upTo; t++) {
      m.runTo(t, CheckpointSink.NONE);
      out.add(m.state());
    }
    return out;
  }

  @Test
  void shape_heightAndRefusals() {
    assertThat(new TraceShape(1, 0).height()).isZero();
    assertThat(new TraceShape(8, 3).height()).isZero();
    assertThat(new TraceShape(9, 3).height()).isEqualTo(1);
    assertThat(new TraceShape(64, 3).height()).isEqualTo(3);
    assertThat(new TraceShape(65, 3).height()).isEqualTo(4);
    assertThat(new TraceShape(100, 4).span()).isEqualTo(128);
    assertThatThrownBy(() -> new TraceShape(1L << 40, 4))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("trace of 2^36 leaves too large");
    assertThatThrownBy(() -> new TraceShape(0, 4)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new TraceShape(10, 41)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void heightZero_theRootIsTheFinalState() {
    byte[] elf = counter(3); // halts at step 6
    StrideTrace tr = TraceRun.honest(elf, new byte[0], CFG, new TraceShape(8, 3)).strideTrace();
    assertThat(tr.strideHeight()).isZero();
    assertThat(tr.finalLeafProof()).isEmpty();
    VmState fin = states(elf, 8).get(8);
    assertThat(fin.exited()).isTrue();
    assertThat(tr.finalState()).isEqualTo(fin);
    assertThat(tr.root()).isEqualTo(fin.hash());
    assertThat(tr.haltStep()).hasValue(6);
  }

  @Test
  void strideOne_leavesAreEveryStateAndPaddedAfterHalt() {
    byte[] elf = counter(5); // halts at step 8
    TraceRun run = TraceRun.honest(elf, new byte[0], CFG, new TraceShape(12, 0));
    StrideTrace tr = run.strideTrace();
    assertThat(tr.strideHeight()).isEqualTo(4);
    List<VmState> truth = states(elf, 16);
    for (int i = 0; i < 16; i++) {
      assertThat(tr.leaf(i)).as("leaf %d", i).isEqualTo(truth.get(i + 1).hash());
    }
    for (int i = 7; i < 16; i++) {
      assertThat(tr.leaf(i)).as("padding %d", i).isEqualTo(truth.get(8).hash());
    }
    assertThat(tr.prestate()).isEqualTo(truth.getFirst());
    assertThat(HashTree.climbRight(tr.finalState().hash(), tr.finalLeafProof()))
        .isEqualTo(tr.root());
    assertThat(tr.node(1, 0))
        .isEqualTo(Hashes.keccak256(truth.get(1).hash().bytes(), truth.get(2).hash().bytes()));
  }

  @Test
  void stepTrees_endInTheirStrideLeafAndProofsClimbToEveryNode() {
    byte[] elf = counter(40); // halts at step 43
    TraceRun run = TraceRun.honest(elf, new byte[0], CFG, new TraceShape(50, 2)); // S = 4, H = 4
    StrideTrace tr = run.strideTrace();
    assertThat(tr.strideHeight()).isEqualTo(4);
    List<VmState> truth = states(elf, 64);
    for (int i = 0; i < 16; i++) {
      assertThat(tr.leaf(i)).isEqualTo(truth.get(4 * (i + 1)).hash());
    }
    allProofsClimb(tr);
    for (int i : new int[] {0, 5, 10, 11, 15}) {
      StepTrace st = run.stepTrace(i);
      for (int j = 0; j < 4; j++) {
        assertThat(st.node(0, j)).isEqualTo(truth.get(4 * i + j + 1).hash());
      }
      assertThat(st.node(0, 3)).isEqualTo(tr.leaf(i));
      assertThat(HashTree.climbRight(tr.leaf(i), st.rightmostProof(2, 0))).isEqualTo(st.root());
      allProofsClimb(st);
    }
  }

  /** The contract's climb: for every subtree, its rightmost leaf and proof give its root. */
  static void allProofsClimb(TraceTree t) {
    for (int h = 0; h <= t.height(); h++) {
      for (long idx = 0; idx < (1L << (t.height() - h)); idx++) {
        Bytes32 rightmostLeaf = t.node(0, ((idx + 1) << h) - 1);
        List<Bytes32> proof = t.rightmostProof(h, idx);
        assertThat(proof).hasSize(h);
        assertThat(HashTree.climbRight(rightmostLeaf, proof))
            .as("(%d, %d)", h, idx)
            .isEqualTo(t.node(h, idx));
        if (h > 0) {
          assertThat(t.children(h, idx).parent()).isEqualTo(t.node(h, idx));
        }
      }
    }
  }

  @Test
  void lie_divergesExactlyAtItsStep() {
    byte[] elf = counter(40);
    TraceShape shape = new TraceShape(50, 2);
    TraceRun honest = TraceRun.honest(elf, new byte[0], CFG, shape);
    TraceRun liar = honest.lying(new TraceLie(22));
    StrideTrace h = honest.strideTrace();
    StrideTrace l = liar.strideTrace();
    assertThat(l.root()).isNotEqualTo(h.root());
    assertThat(l.outputDigest()).isNotEqualTo(h.outputDigest());
    assertThat(l.finalState().exited()).isTrue();
    for (int i = 0; i < 16; i++) {
      assertThat(l.leaf(i).equals(h.leaf(i))).as("stride leaf %d", i).isEqualTo(4 * (i + 1) < 22);
    }
    StepTrace hs = honest.stepTrace(5); // T(21) .. T(24)
    StepTrace ls = liar.stepTrace(5);
    for (int j = 0; j < 4; j++) {
      assertThat(ls.node(0, j).equals(hs.node(0, j)))
          .as("step leaf %d", j)
          .isEqualTo(20 + j + 1 < 22);
    }
    // the step 21 -> 22: from the agreed T(21) the true successor is the honest leaf, not the
    // liar's
    StateAt at = liar.stateAt(21);
    assertThat(at.state()).isEqualTo(honest.stateAt(21).state());
    assertThat(at.successorHash()).isEqualTo(hs.node(0, 1)).isNotEqualTo(ls.node(0, 1));
    assertThat(liar.stateAt(22).state().hash()).isEqualTo(ls.node(0, 1));
    assertThatThrownBy(() -> new TraceLie(0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void stateAt_proofStepsToTheNextLeafAlsoPastTheHalt() {
    byte[] elf = counter(5);
    TraceRun run = TraceRun.honest(elf, new byte[0], CFG, new TraceShape(12, 0));
    StrideTrace tr = run.strideTrace();
    for (long t : new long[] {0, 3, 7, 8, 11}) {
      StateAt at = run.stateAt(t);
      assertThat(at.successorHash()).as("T(%d) -> T(%d)", t, t + 1).isEqualTo(tr.leaf(t));
    }
    assertThat(run.stateAt(0).state()).isEqualTo(tr.prestate());
  }

  @Test
  void aGuestThatDoesNotHaltWithinMaxStepsHasATraceButNoResult() {
    byte[] elf = counter(40); // halts at 43
    TraceRun run =
        TraceRun.honest(elf, new byte[0], CFG, new TraceShape(30, 2)); // H = 3: N * S = 32
    StrideTrace tr = run.strideTrace();
    assertThat(tr.haltStep()).isEmpty();
    assertThat(tr.halted()).isFalse();
    List<VmState> truth = states(elf, 32);
    for (int i = 0; i < 8; i++) {
      assertThat(tr.leaf(i)).isEqualTo(truth.get(4 * (i + 1)).hash());
    }
    assertThatThrownBy(tr::finalState)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the guest did not halt within maxSteps (30 steps)");
    // halting after maxSteps but before N * S: a trace, no result either
    StrideTrace late =
        TraceRun.honest(elf, new byte[0], CFG, new TraceShape(42, 4)).strideTrace(); // N * S = 64
    assertThat(late.haltStep()).hasValue(43);
    assertThatThrownBy(late::finalState).hasMessageContaining("it halted at step 43");
  }
}
