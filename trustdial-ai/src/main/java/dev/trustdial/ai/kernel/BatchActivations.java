package dev.trustdial.ai.kernel;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.model.TensorType;

/**
 * The inputs of one batched matmul: {@code count} vectors of length {@code n}, row-major in {@code
 * x}, with their block-quantized forms made on first need (before the parallel section).
 */
public final class BatchActivations {
  private final float[] x;
  private final int count;
  private final int n;
  private QuantizedActivations q32;
  private QuantizedActivations q256;

  public BatchActivations(float[] x, int count, int n) {
    Invariant.check(x.length >= count * n, "the activations hold count * n floats");
    this.x = x;
    this.count = count;
    this.n = n;
  }

  public float[] floats() {
    return x;
  }

  public int count() {
    return count;
  }

  public int n() {
    return n;
  }

  /** Makes the quantized form {@code type}'s dot product reads; call before going parallel. */
  public void prepareFor(TensorType type) {
    switch (WeightFormat.of(type).activationBlock()) {
      case 32 -> {
        if (q32 == null) {
          q32 = QuantizedActivations.quantize(x, count, n, 32);
        }
      }
      case 256 -> {
        if (q256 == null) {
          q256 = QuantizedActivations.quantize(x, count, n, 256);
        }
      }
      default -> {}
    }
  }

  public QuantizedActivations quantized(int blockSize) {
    QuantizedActivations q = blockSize == 32 ? q32 : q256;
    Invariant.check(q != null, "prepareFor runs before the matmul");
    return q;
  }
}
