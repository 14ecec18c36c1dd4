package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.state.VmState;
import java.util.List;

/**
 * The stride level of a trace commitment (docs/spec/objective.md §2): leaf i is stateHash(T((i + 1)
 * * S)), padded by the terminal state, over 2^H leaves; its root is the result's traceRoot (or a
 * challenger's). Built by one run of the guest to N * S at most, which keeps {@link
 * BoundarySnapshots} for the step trees and proof states asked later. A run still going at maxSteps
 * has a trace (a challenger refutes a claimed halt with it) but no result: {@link #finalState()}
 * refuses it.
 */
public final class StrideTrace implements TraceTree {
  private final TraceRun run;
  private final HashTree tree;
  private final VmState prestate;
  private final VmState finalState;
  private final long haltStep; // -1: still running at N * S
  private final BoundarySnapshots snapshots;

  private StrideTrace(
      TraceRun run,
      HashTree tree,
      VmState prestate,
      VmState finalState,
      long haltStep,
      BoundarySnapshots snapshots) {
    this.run = run;
    this.snapshots = snapshots;
    this.tree = tree;
    this.prestate = prestate;
    this.finalState = finalState;
    this.haltStep = haltStep;
  }

  static StrideTrace build(TraceRun run, BoundarySnapshots snapshots) {
    TraceShape shape = run.shape();
    long stride = shape.stride();
    int n = shape.leafCount();
    byte[] leaves = new byte[32 * n];
    int[] filled = {0};
    Machine m = run.load();
    VmState prestate = m.state();
    m.runTo(
        shape.span(),
        (cp, machine) -> {
          long t = cp.step();
          snapshots.offer(t, machine);
          if (t > 0 && t % stride == 0) {
            int i = (int) (t / stride - 1);
            if (i != filled[0]) {
              throw new IllegalStateException(
                  "stride leaf " + i + " reached before leaf " + filled[0]);
            }
            System.arraycopy(run.claimed(t, machine.state()).hash().bytes(), 0, leaves, 32 * i, 32);
            filled[0]++;
          }
        });
    VmState terminal =
        m.state(); // the last state: terminal, or running at N * S (then every leaf is filled)
    for (int i = filled[0]; i < n; i++) {
      long t = (i + 1) * stride;
      if (t < terminal.step()) {
        throw new IllegalStateException(
            "stride leaf "
                + i
                + " (time "
                + t
                + ") missing before the halt at step "
                + terminal.step());
      }
      System.arraycopy(run.claimed(t, terminal).hash().bytes(), 0, leaves, 32 * i, 32);
    }
    VmState fin = run.claimed(shape.span(), terminal);
    HashTree tree = new HashTree(leaves);
    if (!tree.node(0, n - 1).equals(fin.hash())) {
      throw new IllegalStateException("the last stride leaf is not the final state");
    }
    return new StrideTrace(
        run, tree, prestate, fin, terminal.terminal() ? terminal.step() : -1, snapshots);
  }

  /**
   * The step tree of stride i, from the nearest boundary snapshot (the same tree as {@link
   * TraceRun#stepTrace}).
   */
  public StepTrace stepTrace(long strideIndex) {
    return StepTrace.build(run, strideIndex, snapshots::machineAt);
  }

  /**
   * The claimed T(t) and its step proof, from the nearest boundary snapshot (the same as {@link
   * TraceRun#stateAt}).
   */
  public StateAt stateAt(long t) {
    return StateAt.of(run, t, snapshots::machineAt);
  }

  /** The boundary snapshots kept by the build. */
  public BoundarySnapshots snapshots() {
    return snapshots;
  }

  @Override
  public HashTree tree() {
    return tree;
  }

  public TraceRun run() {
    return run;
  }

  /** H. */
  public int strideHeight() {
    return tree.height();
  }

  /** The traceRoot. */
  @Override
  public Bytes32 root() {
    return tree.root();
  }

  /** Stride leaf i: stateHash of the claimed T((i + 1) * S). */
  public Bytes32 leaf(long i) {
    return tree.node(0, i);
  }

  /** T(0), the job's initial state (the court's prestate when app and input match). */
  public VmState prestate() {
    return prestate;
  }

  /**
   * The claimed T(N * S): the terminal state a result submits (submitObjectiveResult's finalState)
   * and a challenger's claim. Refused unless the run halted within maxSteps: then there is no
   * objective result.
   */
  public VmState finalState() {
    long maxSteps = run.shape().maxSteps();
    if (haltStep < 0 || haltStep > maxSteps) {
      throw new InvalidInputException(
          "the guest did not halt within maxSteps ("
              + maxSteps
              + " steps)"
              + (haltStep < 0 ? "" : ": it halted at step " + haltStep)
              + "; it has no objective result");
    }
    return finalState;
  }

  /**
   * The claimed T(N * S) whether or not the run halted: the rightmost stride leaf's state (the
   * terminal state of a halted run, else the state still running at N * S).
   */
  public VmState lastState() {
    return finalState;
  }

  /** Whether the true run halted within maxSteps (it has an objective result). */
  public boolean halted() {
    return haltStep >= 0 && haltStep <= run.shape().maxSteps();
  }

  /** The step at which the true run halted, if it did by N * S. */
  public java.util.OptionalLong haltStep() {
    return haltStep < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(haltStep);
  }

  /** The H left siblings proving the final state as the rightmost stride leaf of the root. */
  public List<Bytes32> finalLeafProof() {
    return tree.rightmostProof(tree.height(), 0);
  }

  /** The output digest of the claimed final state (the result's outputHash). */
  public Bytes32 outputDigest() {
    return finalState().outputDigest();
  }
}
