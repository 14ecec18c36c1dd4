package dev.trustdial.ai.kernel;

import dev.trustdial.ai.Invariant;

/**
 * Activation vectors quantized per block to int8 with one float scale per block, the form integer
 * block dot products consume. Vector t, block b: values {@code q[t*n + b*blockSize + i]}, scale
 * {@code scale[t*(n/blockSize) + b]}.
 *
 * <p>Rule (docs/spec/determinism.md §Q8): amax = max|x|, d = amax/127, q = rint(x * (1/d)) clamped
 * to ±127 (q = 0 when d = 0). Every step is one IEEE float operation, so every backend agrees.
 */
public record QuantizedActivations(int blockSize, int count, int n, byte[] q, float[] scale) {
  public QuantizedActivations {
    Invariant.check(n % blockSize == 0, "quantized activations are whole blocks");
    Invariant.check(
        q.length == count * n && scale.length == count * (n / blockSize),
        "quantized activations have one scale per block");
  }

  public static QuantizedActivations quantize(float[] x, int count, int n, int blockSize) {
    byte[] q = new byte[count * n];
    float[] scale = new float[count * (n / blockSize)];
    for (int b = 0; b < scale.length; b++) {
      int base = b * blockSize;
      float amax = 0f;
      for (int i = 0; i < blockSize; i++) {
        amax = Math.max(amax, Math.abs(x[base + i]));
      }
      float d = amax / 127f;
      float id = d == 0f ? 0f : 1f / d;
      scale[b] = d;
      for (int i = 0; i < blockSize; i++) {
        float v = (float) Math.rint(x[base + i] * id);
        q[base + i] = (byte) Math.max(-127f, Math.min(127f, v));
      }
    }
    return new QuantizedActivations(blockSize, count, n, q, scale);
  }
}
