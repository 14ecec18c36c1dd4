package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.Architecture.RopeStyle;
import java.util.Optional;

/**
 * Element-wise and normalisation steps of the forward pass, each with one fixed evaluation order
 * (determinism.md §Ops). Transcendentals come from StrictMath, which Java defines bit for bit. The
 * steps that call exp, cos or sin are instance methods: {@link #canonical()} runs the rules; {@link
 * #relaxed()} exists only for the benchmark baseline ({@code EngineOptions.Profile}).
 */
public final class LayerOps {
  private static final LayerOps CANONICAL = new LayerOps(NativeKernels.load(), false);

  /**
   * StrictMath.exp over arrays, same bits: the native library's fdlibm port when it is loaded (full
   * speed from the first call), else the Vector API port (fast once C2 has compiled it), else
   * scalar StrictMath. The relaxed baseline uses the native float approximation (bench/ai's build
   * of the library), or the Vector API's SVML exp without it.
   */
  private final Optional<NativeKernels> nativeExp;

  private final boolean vectorExp;
  private final boolean relaxed;

  private LayerOps(Optional<NativeKernels> nativeExp, boolean relaxed) {
    this.nativeExp = nativeExp;
    this.vectorExp = nativeExp.isPresent() || JavaKernels.vectorApiAvailable();
    this.relaxed = relaxed;
  }

  /** The determinism rules. */
  public static LayerOps canonical() {
    return CANONICAL;
  }

  /**
   * Benchmark baseline only: Math instead of StrictMath and the relaxed native exp; not
   * reproducible.
   */
  public static LayerOps relaxed() {
    return new LayerOps(NativeKernels.load(NativeKernels.Variant.RELAXED_BASELINE), true);
  }

  /** out = weight * (x / sqrt(mean(x²) + eps)); mean(x²) uses the canonical dot. */
  public static void rmsnorm(
      JavaKernels k, float[] x, int xo, float[] weight, float[] out, int oo, int n, float eps) {
    float ss = k.dot(x, xo, x, xo, n);
    ss = ss / n + eps;
    float inv = 1f / (float) Math.sqrt(ss);
    for (int i = 0; i < n; i++) {
      out[oo + i] = weight[i] * (inv * x[xo + i]);
    }
  }

  private void exp(float[] in, int io, float sign, float[] out, int oo, int n) {
    if (nativeExp.isPresent()) {
      nativeExp.get().exp(in, io, sign, out, oo, n);
    } else if (relaxed) {
      VectorExp.relaxedExp(in, io, sign, out, oo, n);
    } else {
      VectorExp.exp(in, io, sign, out, oo, n);
    }
  }

  /**
   * out[i] = StrictMath.exp(in[i]) for i &lt; n (Math.exp in the relaxed baseline); in and out may
   * be the same.
   */
  public void exp(double[] in, double[] out, int n) {
    if (nativeExp.isPresent() && !relaxed) {
      nativeExp.get().exp(in, out, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      out[i] = exp(in[i]);
    }
  }

  /** Σ StrictMath.exp((double) x[o + i] − shift) for i &lt; n, in double, summed in index order. */
  public double expSum(float[] x, int o, int n, double shift) {
    if (nativeExp.isPresent()) {
      return nativeExp.get().expSum(x, o, shift, n);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += exp(x[o + i] - shift);
    }
    return sum;
  }

  /**
   * In-place softmax over x[o..o+n): max, exp(x - max) via StrictMath, sum in index order, divide.
   */
  public void softmax(float[] x, int o, int n) {
    float max = x[o];
    for (int i = 1; i < n; i++) {
      max = Math.max(max, x[o + i]);
    }
    float sum = 0f;
    if (vectorExp) {
      for (int i = 0; i < n; i++) {
        x[o + i] = x[o + i] - max;
      }
      exp(x, o, 1f, x, o, n);
      for (int i = 0; i < n; i++) {
        sum += x[o + i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        float e = (float) exp(x[o + i] - max);
        x[o + i] = e;
        sum += e;
      }
    }
    for (int i = 0; i < n; i++) {
      x[o + i] = x[o + i] / sum;
    }
  }

  /** a[i] = silu(a[i]) * b[i] for the SwiGLU feed-forward. */
  public void swiglu(float[] a, float[] b, int o, int n) {
    if (vectorExp) {
      float[] e = new float[n];
      exp(a, o, -1f, e, 0, n);
      for (int i = 0; i < n; i++) {
        float v = a[o + i];
        a[o + i] = v * (1f / (1f + e[i])) * b[o + i];
      }
      return;
    }
    for (int i = o; i < o + n; i++) {
      float v = a[i];
      v = v * (1f / (1f + (float) exp(-v)));
      a[i] = v * b[i];
    }
  }

  /**
   * cos/sin of every rotation angle for a position: freq_i = 1 / theta^(2i/ropeDim) (double,
   * StrictMath.pow, rounded to float), angle = pos * freq_i in float, then StrictMath cos/sin.
   */
  public float[] ropeFactors(int pos, int ropeDim, float theta) {
    return ropeFactors(pos, ropeDim, theta, 1f, null);
  }

  /**
   * As {@link #ropeFactors(int, int, float)} with Llama 3.1's per-pair divisors ({@code factors},
   * may be null) and a linear frequency scale: angle = freqScale * ((pos * freq_i) / factor_i),
   * each step one float operation (both are exact no-ops at factor 1 and scale 1).
   */
  public float[] ropeFactors(int pos, int ropeDim, float theta, float freqScale, float[] factors) {
    int half = ropeDim / 2;
    float[] cs = new float[ropeDim];
    for (int i = 0; i < half; i++) {
      float freq = (float) (1.0 / StrictMath.pow(theta, (2.0 * i) / ropeDim));
      float angle = pos * freq;
      if (factors != null) {
        angle = angle / factors[i];
      }
      angle = freqScale * angle;
      cs[2 * i] = (float) (relaxed ? Math.cos(angle) : StrictMath.cos(angle));
      cs[2 * i + 1] = (float) (relaxed ? Math.sin(angle) : StrictMath.sin(angle));
    }
    return cs;
  }

  /**
   * a[i] = gelu(a[i]) * b[i] for Gemma's GeGLU, gelu in its tanh form evaluated left to right in
   * float: t = (float) StrictMath.tanh(c * x * (1 + 0.044715 * x * x)), gelu = 0.5 * x * (1 + t).
   */
  public void geglu(float[] a, float[] b, int o, int n) {
    for (int i = o; i < o + n; i++) {
      float x = a[i];
      float inner = SQRT_2_OVER_PI * x * (1f + GELU_COEF_A * x * x);
      float t = (float) (relaxed ? Math.tanh(inner) : StrictMath.tanh(inner));
      a[i] = 0.5f * x * (1f + t) * b[i];
    }
  }

  /** Gemma 2's soft-capping: x = cap * (float) StrictMath.tanh(x / cap) for x[o..o+n). */
  public void softcap(float[] x, int o, int n, float cap) {
    for (int i = o; i < o + n; i++) {
      x[i] = cap * (float) (relaxed ? Math.tanh(x[i] / cap) : StrictMath.tanh(x[i] / cap));
    }
  }

  private static final float SQRT_2_OVER_PI = 0.7978845608028654f;
  private static final float GELU_COEF_A = 0.044715f;

  private double exp(double x) {
    return relaxed ? Math.exp(x) : StrictMath.exp(x);
  }

  /**
   * Rotates the first {@code ropeDim} elements of one head in place with factors from {@link
   * #ropeFactors}; the rest of the head (partial rotary) is left as it is.
   */
  public static void rope(float[] v, int o, int ropeDim, float[] cs, RopeStyle style) {
    int half = ropeDim / 2;
    for (int i = 0; i < half; i++) {
      int a = style == RopeStyle.ADJACENT_PAIRS ? o + 2 * i : o + i;
      int b = style == RopeStyle.ADJACENT_PAIRS ? a + 1 : a + half;
      float c = cs[2 * i];
      float s = cs[2 * i + 1];
      float v0 = v[a];
      float v1 = v[b];
      v[a] = v0 * c - v1 * s;
      v[b] = v0 * s + v1 * c;
    }
  }
}
