package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.checkpoint.CheckpointSink;

/**
 * The step tree of stride i (docs/spec/objective.md §2): S leaves, leaf j = stateHash(T(i * S + j +
 * 1)); its last leaf is stride leaf i. Built on demand, when a match reaches stride i: the machine
 * at i * S comes from {@link StrideTrace#stepTrace} (nearest boundary snapshot, at most spacing * S
 * steps replayed) or {@link TraceRun#stepTrace} (from step 0, i * S steps), then S steps and S
 * state hashes.
 */
public final class StepTrace implements TraceTree {
  /** A step tree is held in memory: at most 2^24 leaves. */
  public static final int MAX_STRIDE_LOG2 = 24;

  private final long strideIndex;
  private final HashTree tree;

  private StepTrace(long strideIndex, HashTree tree) {
    this.strideIndex = strideIndex;
    this.tree = tree;
  }

  static StepTrace build(
      TraceRun run, long strideIndex, java.util.function.LongFunction<Machine> machineAt) {
    TraceShape shape = run.shape();
    if (strideIndex < 0 || strideIndex >= shape.leafCount()) {
      throw new InvalidInputException(
          "stride index " + strideIndex + " is outside 0.." + (shape.leafCount() - 1));
    }
    if (shape.strideLog2() > MAX_STRIDE_LOG2) {
      throw new InvalidInputException(
          "a step tree of 2^"
              + shape.strideLog2()
              + " leaves is too large for this host (at most 2^"
              + MAX_STRIDE_LOG2
              + ")");
    }
    int s = (int) shape.stride();
    long base = strideIndex * shape.stride();
    Machine m = machineAt.apply(base);
    byte[] leaves = new byte[32 * s];
    for (int j = 0; j < s; j++) {
      long t = base + j + 1;
      m.runTo(t, CheckpointSink.NONE); // a terminal machine stays where it is: the padding
      System.arraycopy(run.claimed(t, m.state()).hash().bytes(), 0, leaves, 32 * j, 32);
    }
    return new StepTrace(strideIndex, new HashTree(leaves));
  }

  public long strideIndex() {
    return strideIndex;
  }

  @Override
  public HashTree tree() {
    return tree;
  }
}
