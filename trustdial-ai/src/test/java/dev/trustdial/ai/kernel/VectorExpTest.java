package dev.trustdial.ai.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorised fdlibm exp gives (float) StrictMath.exp bit for bit over every range it branches on. */
class VectorExpTest {
  @Test
  void equalsStrictMathBitForBit() {
    Random rnd = new Random(3);
    int n = 1 << 18;
    float[] x = new float[n];
    float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-9f, -1e-9f, 3.7252903e-9f, 0.34657359f, -0.34657359f,
        0.3465736f, 1.0397208f, -1.0397208f, 1.03972f, 88.7f, 89f, -87.3f, -103.9f, -104f, -700f, -708.3f, -708.4f,
        -709f, -709.8f, 709.7f, 709.8f, 710f, -745.1f, -746f, -1000f, 1000f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    for (int i = 0; i < n; i++) {
      x[i] = switch (i % 6) {
        case 0 -> edges[(i / 6) % edges.length];
        case 1 -> (float) (rnd.nextGaussian() * 3);
        case 2 -> (float) (rnd.nextDouble() * 1500 - 750);
        case 3 -> (float) (rnd.nextGaussian() * 1e-8);
        case 4 -> Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, NaNs included
        default -> (float) -rnd.nextDouble() * 30;
      };
    }
    for (float sign : new float[] {1f, -1f}) {
      float[] out = new float[n];
      VectorExp.exp(x, 0, sign, out, 0, n);
      for (int i = 0; i < n; i++) {
        float expected = (float) StrictMath.exp(sign * x[i]);
        assertThat(Float.floatToRawIntBits(out[i])).as("exp(%s · %s)", sign, x[i])
            .isEqualTo(Float.floatToRawIntBits(expected));
      }
    }
    float[] shifted = new float[n];
    VectorExp.exp(x, 5, 1f, shifted, 3, 37); // offsets and a tail shorter than a vector
    for (int i = 0; i < 37; i++) {
      assertThat(shifted[3 + i]).isEqualTo((float) StrictMath.exp(x[5 + i]));
    }
  }

  /** The double terms of the log-softmax sums (sampler logprobs): every bit of StrictMath.exp(x − shift). */
  @Test
  void expShiftedEqualsStrictMathInDouble() {
    Random rnd = new Random(5);
    int n = 1 << 16;
    float[] x = new float[n + 7];
    for (int i = 0; i < x.length; i++) {
      x[i] = switch (i % 5) {
        case 0 -> (float) (rnd.nextGaussian() * 4);
        case 1 -> (float) (rnd.nextDouble() * 1600 - 800);
        case 2 -> Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, NaNs included
        case 3 -> (float) (rnd.nextGaussian() * 1e-9);
        default -> (float) -rnd.nextDouble() * 40;
      };
    }
    for (double shift : new double[] {0, 7.25, -3.5, 1e-12, 745.5, -745.5, 12.345678901234567}) {
      double[] out = new double[n];
      VectorExp.expShifted(x, 7, shift, out, n);
      for (int i = 0; i < n; i++) {
        double expected = StrictMath.exp(x[7 + i] - shift);
        assertThat(Double.doubleToRawLongBits(out[i])).as("exp(%s − %s)", x[7 + i], shift)
            .isEqualTo(Double.doubleToRawLongBits(expected));
      }
    }
  }
}
