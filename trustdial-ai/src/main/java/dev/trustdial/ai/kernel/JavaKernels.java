package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.WeightMatrix;

/** Pure-Java kernels: scalar, or with the Vector API for float rows when the JVM has it. */
public final class JavaKernels implements MatmulKernels {
  private final boolean vectorApi;

  public JavaKernels(boolean vectorApi) {
    if (vectorApi && !vectorApiAvailable()) {
      throw new IllegalStateException("the Vector API needs --add-modules jdk.incubator.vector");
    }
    this.vectorApi = vectorApi;
  }

  /** The fastest pure-Java kernels this JVM can run. */
  public static JavaKernels best() {
    return new JavaKernels(vectorApiAvailable());
  }

  public static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  @Override
  public String name() {
    return vectorApi ? "java-vector-" + VectorFloatDot.SPECIES.vectorBitSize() : "java-scalar";
  }

  /** The canonical float dot of two heap vectors (attention scores, norms). */
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    return vectorApi ? VectorFloatDot.dot(a, ao, b, bo, n) : FloatDot.dot(a, ao, b, bo, n);
  }

  /**
   * out[oo + i] = fma(p, v[vo + i], out[oo + i]) for i < n (attention's weighted sum of values).
   */
  public void fmaAccumulate(float p, float[] v, int vo, float[] out, int oo, int n) {
    if (vectorApi) {
      VectorFloatDot.fmaAccumulate(p, v, vo, out, oo, n);
    } else {
      for (int i = 0; i < n; i++) {
        out[oo + i] = Math.fma(p, v[vo + i], out[oo + i]);
      }
    }
  }

  @Override
  public void matmul(WeightMatrix w, BatchActivations x, float[] out, int from, int to) {
    WeightFormat.of(w.type()).matmul(this, w, x, out, from, to);
  }

  /** Whether these kernels use the Vector API. */
  boolean vectorApi() {
    return vectorApi;
  }
}
