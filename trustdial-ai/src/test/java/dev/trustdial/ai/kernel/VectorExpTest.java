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
}
