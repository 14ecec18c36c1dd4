package dev.trustdial.ai.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every kernel path gives the canonical bits; quantized dots agree with their dequantized meaning.
 */
class KernelEquivalenceTest {
  private final Random rnd = new Random(7);

  @Test
  void vectorDotEqualsScalarDotBitForBitForEveryLength() {
    for (int n = 0; n <= 300; n++) {
      float[] a = randomFloats(n + 5);
      float[] b = randomFloats(n + 5);
      float scalar = FloatDot.dot(a, 3, b, 5 - 0, n);
      float vector = VectorFloatDot.dot(a, 3, b, 5, n);
      assertThat(Float.floatToRawIntBits(vector))
          .as("n=%d", n)
          .isEqualTo(Float.floatToRawIntBits(scalar));
    }
  }

  @Test
  void vectorFmaAccumulateEqualsScalarBitForBit() {
    JavaKernels scalar = new JavaKernels(false);
    JavaKernels vector = JavaKernels.best();
    for (int n = 0; n <= 100; n++) {
      float[] v = randomFloats(n + 3);
      float[] a = randomFloats(n + 2);
      float[] b = a.clone();
      float p = (float) rnd.nextGaussian();
      scalar.fmaAccumulate(p, v, 3, a, 2, n);
      vector.fmaAccumulate(p, v, 3, b, 2, n);
      assertThat(b).as("n=%d", n).containsExactly(a);
    }
  }

  @Test
  void vectorQuantizedBlockSumsEqualScalarOnBothShapes() {
    int n = 256;
    WeightMatrix q8 = randomMatrix(TensorType.Q8_0, 1, n);
    WeightMatrix q4 = randomMatrix(TensorType.Q4_0, 1, n);
    QuantizedActivations x = QuantizedActivations.quantize(randomFloats(n), 1, n, 32);
    assertThat(VectorQuantDot.q8_0(q8.data(), 0, n, x.q(), 0, x.scale(), 0))
        .isEqualTo(WeightFormat.Q8_0.dot(q8.data(), 0, n, x.q(), 0, x.scale(), 0));
    assertThat(VectorQuantDot.q4_0(q4.data(), 0, n, x.q(), 0, x.scale(), 0))
        .isEqualTo(WeightFormat.Q4_0.dot(q4.data(), 0, n, x.q(), 0, x.scale(), 0));
  }

  @Test
  void canonicalDotFollowsTheSixteenLaneOrder() {
    // 17 ones at lane 0 (i=0 and i=16) and lane 1..15 once: lanes {2,1,...,1}; pairwise sums are
    // exact.
    float[] ones = new float[17];
    java.util.Arrays.fill(ones, 1f);
    assertThat(FloatDot.dot(ones, 0, ones, 0, 17)).isEqualTo(17f);
    // Catastrophic cancellation shows the order: 1e8 at lane 0, +1 at lane 1, -1e8 at lane 0
    // (i=16).
    float[] a = new float[17];
    a[0] = 1e8f;
    a[1] = 1f;
    a[16] = -1e8f;
    float[] one = new float[17];
    java.util.Arrays.fill(one, 1f);
    assertThat(FloatDot.dot(a, 0, one, 0, 17)).isEqualTo(1f); // a sequential sum would give 0
  }

  @Test
  void matmulIsTheSameForScalarAndVectorKernelsOnEveryType() {
    for (TensorType type :
        new TensorType[] {
          TensorType.F32,
          TensorType.F16,
          TensorType.BF16,
          TensorType.Q8_0,
          TensorType.Q4_0,
          TensorType.Q4_K,
          TensorType.Q6_K
        }) {
      int cols = type.blockSize() == 256 ? 512 : 96;
      WeightMatrix w = randomMatrix(type, 37, cols);
      BatchActivations x = new BatchActivations(randomFloats(3 * cols), 3, cols);
      x.prepareFor(type);
      float[] scalar = new float[3 * 37];
      float[] vector = new float[3 * 37];
      new JavaKernels(false).matmul(w, x, scalar, 0, 37);
      new JavaKernels(true).matmul(w, x, vector, 0, 37);
      assertThat(vector).as(type.toString()).containsExactly(scalar);
    }
  }

  @Test
  void quantizedDotsMatchTheirDequantizedValues() {
    for (TensorType type :
        new TensorType[] {TensorType.Q8_0, TensorType.Q4_0, TensorType.Q4_K, TensorType.Q6_K}) {
      int n = 512;
      WeightMatrix w = randomMatrix(type, 4, n);
      float[] xf = randomFloats(n);
      BatchActivations x = new BatchActivations(xf, 1, n);
      x.prepareFor(type);
      QuantizedActivations q = x.quantized(type.blockSize() == 256 ? 256 : 32);
      float[] xd = new float[n];
      for (int i = 0; i < n; i++) {
        xd[i] = q.q()[i] * q.scale()[i / q.blockSize()];
      }
      float[] out = new float[4];
      new JavaKernels(false).matmul(w, x, out, 0, 4);
      for (int r = 0; r < 4; r++) {
        float[] row = Dequantizer.row(w, r);
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
          expected += (double) row[i] * xd[i];
          magnitude += Math.abs((double) row[i] * xd[i]);
        }
        assertThat((double) out[r])
            .as("%s row %d", type, r)
            .isCloseTo(expected, within(1e-5 * magnitude + 1e-6));
      }
    }
  }

  @Test
  void activationQuantizationFollowsTheSpecRule() {
    float[] x = new float[32];
    for (int i = 0; i < 32; i++) {
      x[i] = i - 15.5f;
    }
    QuantizedActivations q = QuantizedActivations.quantize(x, 1, 32, 32);
    assertThat(q.scale()[0]).isEqualTo(15.5f / 127f);
    assertThat(q.q()[0]).isEqualTo((byte) -127);
    assertThat(q.q()[31]).isEqualTo((byte) 127);
    assertThat(q.q()[15]).isEqualTo((byte) -4); // -0.5 * 127/15.5 = -4.096...
    assertThat(QuantizedActivations.quantize(new float[32], 1, 32, 32).q()).containsOnly((byte) 0);
  }

  private float[] randomFloats(int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    return f;
  }

  /** Random but valid encodings: random quants with small finite scales. */
  private WeightMatrix randomMatrix(TensorType type, int rows, int cols) {
    int bytes = (int) (type.rowBytes(cols) * rows);
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    rnd.nextBytes(buf.array());
    int block = type.bytesPerBlock();
    for (int b = 0; b < bytes / block; b++) {
      int base = b * block;
      short scale = Float.floatToFloat16(0.01f + rnd.nextFloat() * 0.02f);
      switch (type) {
        case F32 -> buf.putFloat(base, (float) rnd.nextGaussian());
        case F16 -> buf.putShort(base, Float.floatToFloat16((float) rnd.nextGaussian()));
        case BF16 ->
            buf.putShort(
                base, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
        case Q8_0, Q4_0 -> buf.putShort(base, scale);
        case Q4_K -> {
          buf.putShort(base, scale);
          buf.putShort(base + 2, Float.floatToFloat16(0.005f));
        }
        case Q6_K -> buf.putShort(base + 208, scale);
      }
    }
    return new WeightMatrix("test." + type, type, rows, cols, MemorySegment.ofArray(buf.array()));
  }
}
