package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.MemorySegment;

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

  /** out[oo + i] = fma(p, v[vo + i], out[oo + i]) for i < n (attention's weighted sum of values). */
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
    int n = w.cols();
    int rows = w.rows();
    int count = x.count();
    MemorySegment data = w.data();
    long rowBytes = w.rowBytes();
    switch (w.type()) {
      case F32, F16, BF16 -> {
        float[] row = new float[n];
        float[] xf = x.floats();
        for (int r = from; r < to; r++) {
          Dequantizer.row(w, r, row, 0);
          for (int t = 0; t < count; t++) {
            out[t * rows + r] = dot(row, 0, xf, t * n, n);
          }
        }
      }
      case Q8_0, Q4_0 -> {
        QuantizedActivations q = x.quantized(32);
        boolean q8 = w.type() == dev.trustdial.ai.model.TensorType.Q8_0;
        for (int r = from; r < to; r++) {
          long off = r * rowBytes;
          for (int t = 0; t < count; t++) {
            int xo = t * n;
            int so = t * (n / 32);
            // The vector path wins only for Q8_0 with 256-bit shapes (measured; 128-bit conversions
            // are not intrinsified and run far slower than scalar code).
            out[t * rows + r] = q8
                ? (vectorApi && VectorQuantDot.WIDE ? VectorQuantDot.q8_0(data, off, n, q.q(), xo, q.scale(), so)
                    : QuantDot.q8_0(data, off, n, q.q(), xo, q.scale(), so))
                : QuantDot.q4_0(data, off, n, q.q(), xo, q.scale(), so);
          }
        }
      }
      case Q4_K, Q6_K -> {
        QuantizedActivations q = x.quantized(256);
        boolean q4 = w.type() == dev.trustdial.ai.model.TensorType.Q4_K;
        for (int r = from; r < to; r++) {
          long off = r * rowBytes;
          for (int t = 0; t < count; t++) {
            out[t * rows + r] = q4
                ? QuantDot.q4_K(data, off, n, q.q(), t * n, q.scale(), t * (n / 256))
                : QuantDot.q6_K(data, off, n, q.q(), t * n, q.scale(), t * (n / 256));
          }
        }
      }
    }
  }
}
