package dev.trustdial.ai.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every array exp (the Vector API port and each native variant this CPU runs) gives (float)
 * StrictMath.exp bit for bit over every range fdlibm branches on, and the native sum gives the
 * index-order double sum of StrictMath.exp.
 */
class ExpTest {
  private static final int N = 1 << 18;
  private final float[] x = inputs();

  private static float[] inputs() {
    Random rnd = new Random(3);
    float[] x = new float[N];
    float[] edges = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      1e-9f,
      -1e-9f,
      3.7252903e-9f,
      0.34657359f,
      -0.34657359f,
      0.3465736f,
      1.0397208f,
      -1.0397208f,
      1.03972f,
      88.7f,
      89f,
      -87.3f,
      -103.9f,
      -104f,
      -699.9f,
      -700f,
      -700.1f,
      -708.3f,
      -708.4f,
      -709f,
      -709.8f,
      699.9f,
      700f,
      709.7f,
      709.8f,
      710f,
      -745.1f,
      -746f,
      -1000f,
      1000f,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN
    };
    for (int i = 0; i < N; i++) {
      x[i] =
          switch (i % 6) {
            case 0 -> edges[(i / 6) % edges.length];
            case 1 -> (float) (rnd.nextGaussian() * 3);
            case 2 -> (float) (rnd.nextDouble() * 1500 - 750);
            case 3 -> (float) (rnd.nextGaussian() * 1e-8);
            case 4 -> Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, NaNs included
            default -> (float) -rnd.nextDouble() * 30;
          };
    }
    return x;
  }

  private interface ArrayExp {
    void exp(float[] in, int io, float sign, float[] out, int oo, int n);
  }

  private static List<NativeKernels> nativeVariants() {
    List<NativeKernels> all = new ArrayList<>();
    NativeKernels.bestVariant()
        .ifPresent(best -> {
          for (NativeKernels.Variant v : NativeKernels.Variant.values()) {
            if (v.ordinal() <= best.ordinal()) {
              all.add(NativeKernels.load(v).orElseThrow());
            }
          }
        });
    return all;
  }

  private void assertEqualsStrictMath(String name, ArrayExp exp) {
    for (float sign : new float[] {1f, -1f}) {
      float[] out = new float[N];
      exp.exp(x, 0, sign, out, 0, N);
      for (int i = 0; i < N; i++) {
        float expected = (float) StrictMath.exp(sign * x[i]);
        assertThat(Float.floatToRawIntBits(out[i]))
            .as("%s: exp(%s · %s)", name, sign, x[i])
            .isEqualTo(Float.floatToRawIntBits(expected));
      }
    }
    float[] shifted = new float[N];
    exp.exp(x, 5, 1f, shifted, 3, 37); // offsets and a tail shorter than a vector
    for (int i = 0; i < 37; i++) {
      assertThat(shifted[3 + i]).as(name).isEqualTo((float) StrictMath.exp(x[5 + i]));
    }
    float[] inPlace = x.clone();
    exp.exp(inPlace, 0, -1f, inPlace, 0, 1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(Float.floatToRawIntBits(inPlace[i]))
          .as(name + " in place")
          .isEqualTo(
              Float.floatToRawIntBits(
                  (float) StrictMath.exp(-1f * x[i]))); // as the callers: NaN signs kept
    }
  }

  @Test
  void vectorApiPortEqualsStrictMathBitForBit() {
    Assumptions.assumeTrue(JavaKernels.vectorApiAvailable(), "no Vector API");
    assertEqualsStrictMath("VectorExp", VectorExp::exp);
  }

  @Test
  void everyNativeVariantEqualsStrictMathBitForBit() {
    List<NativeKernels> variants = nativeVariants();
    Assumptions.assumeFalse(variants.isEmpty(), "native library not built");
    for (NativeKernels k : variants) {
      assertEqualsStrictMath(k.name(), k::exp);
    }
  }

  /**
   * The AVX-512 float exp takes a division-free path (degree-13 polynomial, a guard around float
   * midpoints) for inputs in [-87, 88.5]: every one of those 2.2 billion floats is checked here
   * against the scalar fdlibm code, so the path is exact by enumeration, not by an error bound.
   */
  @Test
  void avx512FloatExpEqualsFdlibmForEveryFloatOfItsFastPath() {
    Assumptions.assumeTrue(
        NativeKernels.bestVariant().orElse(NativeKernels.Variant.GENERIC)
            == NativeKernels.Variant.AVX512_VNNI,
        "no AVX-512 on this CPU");
    assertThat(NativeKernels.expSelfCheck(0x00000000, 0x42B10001)).as("0 .. 88.5").isZero();
    assertThat(NativeKernels.expSelfCheck(0x80000000, 0xC2AE0001)).as("-0 .. -87").isZero();
  }

  @Test
  void nativeDoubleExpEqualsStrictMathBitForBit() {
    List<NativeKernels> variants = nativeVariants();
    Assumptions.assumeFalse(variants.isEmpty(), "native library not built");
    Random rnd = new Random(7);
    double[] in = new double[100_003];
    double[] edges = {
      0,
      -0.0,
      Double.MIN_VALUE,
      1e-300,
      -1e-20,
      0.34657359027997264,
      0.3465735902799727,
      1.0397207708399179,
      -1.0397207708399179,
      699.9,
      700,
      -700,
      -708.39,
      -708.4,
      -709.7,
      -745.1,
      -745.2,
      709.78,
      709.79,
      1e10,
      -1e10,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NaN
    };
    for (int i = 0; i < in.length; i++) {
      in[i] =
          switch (i % 5) {
            case 0 -> edges[(i / 5) % edges.length];
            case 1 -> -rnd.nextDouble() * 40; // the sampler: (l - max) / T <= 0
            case 2 -> rnd.nextDouble() * 1500 - 750;
            case 3 -> Double.longBitsToDouble(rnd.nextLong());
            default -> rnd.nextGaussian() * 1e-9;
          };
    }
    for (NativeKernels k : variants) {
      double[] out = new double[in.length];
      k.exp(in, out, in.length);
      for (int i = 0; i < in.length; i++) {
        assertThat(Double.doubleToRawLongBits(out[i]))
            .as("%s: exp(%s)", k.name(), in[i])
            .isEqualTo(Double.doubleToRawLongBits(StrictMath.exp(in[i])));
      }
    }
  }

  @Test
  void nativeSumIsTheIndexOrderSumOfStrictMath() {
    List<NativeKernels> variants = nativeVariants();
    Assumptions.assumeFalse(variants.isEmpty(), "native library not built");
    Random rnd = new Random(5);
    float[] logits = new float[16_387];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (rnd.nextGaussian() * 4);
    }
    logits[100] = 40f; // the max
    logits[200] = -800f; // a lane of its group below the vector range
    for (int offset : new int[] {0, 3}) {
      for (int n : new int[] {logits.length - offset, 1, 7, 8, 9, 1000}) {
        double max = 40.0;
        double expected = 0;
        for (int i = 0; i < n; i++) {
          expected += StrictMath.exp(logits[offset + i] - max);
        }
        for (NativeKernels k : variants) {
          assertThat(Double.doubleToRawLongBits(k.expSum(logits, offset, max, n)))
              .as("%s n=%d offset=%d", k.name(), n, offset)
              .isEqualTo(Double.doubleToRawLongBits(expected));
        }
        assertThat(Double.doubleToRawLongBits(LayerOps.canonical().expSum(logits, offset, n, max)))
            .isEqualTo(Double.doubleToRawLongBits(expected));
      }
    }
  }
}
