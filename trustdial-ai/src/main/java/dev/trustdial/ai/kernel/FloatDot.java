package dev.trustdial.ai.kernel;

/**
 * The canonical float dot product (determinism.md §F): element i goes to virtual lane i mod 16,
 * each lane accumulates with fma in increasing i from +0, then lanes are summed pairwise (j += j+8,
 * j += j+4, j += j+2, j += j+1). Scalar reference; {@link VectorFloatDot} gives the same bits.
 */
public final class FloatDot {
  public static final int LANES = 16;

  private FloatDot() {}

  public static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float[] acc = new float[LANES];
    for (int i = 0; i < n; i++) {
      acc[i & 15] = Math.fma(a[ao + i], b[bo + i], acc[i & 15]);
    }
    return reduce(acc);
  }

  /** Fixed pairwise tree over the 16 virtual lanes; overwrites {@code acc}. */
  public static float reduce(float[] acc) {
    for (int h = 8; h >= 1; h >>= 1) {
      for (int j = 0; j < h; j++) {
        acc[j] = acc[j] + acc[j + h];
      }
    }
    return acc[0];
  }
}
