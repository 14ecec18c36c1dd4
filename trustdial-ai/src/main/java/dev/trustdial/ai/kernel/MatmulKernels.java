package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.WeightMatrix;

/**
 * Batched matrix-vector products. Every implementation computes each output element with the
 * canonical reduction of determinism.md, so results are bit-identical across implementations,
 * thread counts, row ranges and batch compositions.
 */
public sealed interface MatmulKernels permits JavaKernels, NativeKernels {
  /** Short stable name for logs and benchmark output. */
  String name();

  /**
   * {@code out[t * w.rows() + r] = dot(row r of w, activation t)} for rows {@code [from, to)} and
   * every activation t. {@code x.prepareFor(w.type())} must have run.
   */
  void matmul(WeightMatrix w, BatchActivations x, float[] out, int from, int to);
}
