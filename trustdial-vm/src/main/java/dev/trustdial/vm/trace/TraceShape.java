package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;

/**
 * The shape of a job's trace commitment (docs/spec/objective.md §2): stride {@code S = 2^s} and
 * {@code N = 2^H} stride leaves, {@code H} the smallest height with {@code 2^H * S >= maxSteps}
 * (ObjectiveCourt.strideHeight).
 *
 * @param maxSteps the job's step budget (at least 1)
 * @param strideLog2 {@code s}, the app's ObjectiveConfig.strideLog2 (0..40)
 */
public record TraceShape(long maxSteps, int strideLog2) {
  /**
   * The largest stride height this host builds: a stride tree is held in memory (2^24 leaves: 512
   * MiB of hashes).
   */
  public static final int MAX_HEIGHT = 24;

  /** ObjectiveConfig.MAX_STRIDE_LOG2. */
  public static final int MAX_STRIDE_LOG2 = 40;

  public TraceShape {
    if (maxSteps < 1) {
      throw new InvalidInputException("maxSteps must be at least 1, got " + maxSteps);
    }
    if (strideLog2 < 0 || strideLog2 > MAX_STRIDE_LOG2) {
      throw new InvalidInputException(
          "strideLog2 must be 0.." + MAX_STRIDE_LOG2 + ", got " + strideLog2);
    }
    int h = heightOf(maxSteps, strideLog2);
    if (h + strideLog2 > 64) {
      throw new InvalidInputException(
          "H + s = " + (h + strideLog2) + " is above 64 (objective.md §2)");
    }
    if (h > MAX_HEIGHT) {
      throw new InvalidInputException(
          "trace of 2^"
              + h
              + " leaves too large (at most 2^"
              + MAX_HEIGHT
              + " stride leaves; "
              + "a larger strideLog2 gives fewer leaves)");
    }
    if (h + strideLog2 > 62) {
      throw new InvalidInputException(
          "a trace of 2^" + (h + strideLog2) + " steps is beyond this host's 2^62-step range");
    }
  }

  /** H: the smallest h >= 0 with 2^(h + s) >= maxSteps (the court's strideHeight loop). */
  public static int heightOf(long maxSteps, int strideLog2) {
    int h = 0;
    while (h + strideLog2 < 63 && (1L << (h + strideLog2)) < maxSteps) {
      h++;
    }
    return h;
  }

  /** H, the stride tree's height. */
  public int height() {
    return heightOf(maxSteps, strideLog2);
  }

  /** S = 2^s steps per stride leaf (the step tree's leaf count). */
  public long stride() {
    return 1L << strideLog2;
  }

  /** N = 2^H stride leaves. */
  public int leafCount() {
    return 1 << height();
  }

  /** N * S: the time of the last stride leaf, T(N * S), the final state of a result. */
  public long span() {
    return stride() << height();
  }
}
