package dev.trustdial.ai.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every native variant this CPU runs gives the Java kernels' bits. */
class NativeKernelsTest {
  private final Random rnd = new Random(11);

  @Test
  void libraryLoadsWhereverGccCanBuildIt() throws Exception {
    boolean gcc = new ProcessBuilder("sh", "-c", "command -v gcc").start().waitFor() == 0;
    if (gcc) {
      assertThat(NativeKernels.bestVariant())
          .as("gcc is installed, so build.sh must have built the library")
          .isPresent();
    }
  }

  @Test
  void aMatmulTheLibraryRefusesThrowsInsteadOfLeavingZeroes() {
    // The product library has no relaxed kernels (bench/ai's build has), so td_matmul returns -1.
    Optional<NativeKernels> refused =
        NativeKernels.unchecked(NativeKernels.Variant.RELAXED_BASELINE);
    org.junit.jupiter.api.Assumptions.assumeTrue(refused.isPresent(), "native library not built");
    org.junit.jupiter.api.Assumptions.assumeFalse(
        NativeKernels.load(NativeKernels.Variant.RELAXED_BASELINE).isPresent(),
        "a bench build with the relaxed kernels");
    try (Arena arena = Arena.ofConfined()) {
      WeightMatrix w = randomMatrix(TensorType.Q8_0, 16, 64, arena);
      BatchActivations x = new BatchActivations(new float[64], 1, 64);
      x.prepareFor(TensorType.Q8_0);
      float[] out = new float[16];
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> refused.get().matmul(w, x, out, 0, 16))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("td_matmul returned -1");
    }
  }

  @Test
  void everyVariantMatchesJavaBitForBit() {
    Optional<NativeKernels.Variant> best = NativeKernels.bestVariant();
    org.junit.jupiter.api.Assumptions.assumeTrue(best.isPresent(), "native library not built");
    JavaKernels java = new JavaKernels(false);
    try (Arena arena = Arena.ofConfined()) {
      for (NativeKernels.Variant v : NativeKernels.Variant.values()) {
        if (v == NativeKernels.Variant.RELAXED_BASELINE) {
          continue; // not canonical by design
        }
        Optional<NativeKernels> kernels = NativeKernels.load(v);
        if (v.ordinal() <= best.get().ordinal()) {
          assertThat(kernels).as(v.name()).isPresent();
        }
        if (kernels.isEmpty()) {
          continue;
        }
        for (TensorType type :
            new TensorType[] {TensorType.F32, TensorType.Q8_0, TensorType.Q4_0}) {
          for (int cols :
              type == TensorType.F32 ? new int[] {7, 16, 64, 100, 288} : new int[] {32, 96, 288}) {
            for (int count : new int[] {1, 2, 3}) {
              WeightMatrix w = randomMatrix(type, 19, cols, arena);
              float[] xs = new float[count * cols];
              for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rnd.nextGaussian() * (i % 7 == 0 ? 10 : 1);
              }
              BatchActivations x = new BatchActivations(xs, count, cols);
              x.prepareFor(type);
              float[] expected = new float[count * 19];
              float[] actual = new float[count * 19];
              java.matmul(w, x, expected, 0, 19);
              kernels.get().matmul(w, x, actual, 3, 19);
              kernels.get().matmul(w, x, actual, 0, 3);
              assertThat(actual)
                  .as("%s %s cols=%d count=%d", v, type, cols, count)
                  .containsExactly(expected);
            }
          }
        }
      }
    }
  }

  @Test
  void sixteenRowInterleavedKernelsMatchJavaBitForBit() {
    // Whole 16-row groups run from the packed copy (AVX-512 VNNI), edges from the original rows,
    // tokens in tiles of 4 and 1: every split and batch size must give the Java kernels' bits.
    Optional<NativeKernels.Variant> best = NativeKernels.bestVariant();
    org.junit.jupiter.api.Assumptions.assumeTrue(best.isPresent(), "native library not built");
    NativeKernels kernels = NativeKernels.load(best.get()).orElseThrow();
    JavaKernels java = new JavaKernels(false);
    int rows = 53;
    try (Arena arena = Arena.ofConfined()) {
      for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0}) {
        for (int cols : new int[] {32, 96, 288}) {
          WeightMatrix w = randomMatrix(type, rows, cols, arena);
          for (int count : new int[] {1, 2, 4, 5, 9}) {
            float[] xs = new float[count * cols];
            for (int i = 0; i < xs.length; i++) {
              xs[i] = (float) rnd.nextGaussian() * (i % 5 == 0 ? 30 : 1);
            }
            BatchActivations x = new BatchActivations(xs, count, cols);
            x.prepareFor(type);
            float[] expected = new float[count * rows];
            java.matmul(w, x, expected, 0, rows);
            float[] whole = new float[count * rows];
            kernels.matmul(w, x, whole, 0, rows);
            assertThat(whole)
                .as("%s cols=%d count=%d", type, cols, count)
                .containsExactly(expected);
            float[] split = new float[count * rows];
            int[] cuts = {0, 5, 16, 40, 48, rows};
            for (int c = 0; c + 1 < cuts.length; c++) {
              kernels.matmul(w, x, split, cuts[c], cuts[c + 1]);
            }
            assertThat(split)
                .as("%s cols=%d count=%d split", type, cols, count)
                .containsExactly(expected);
          }
        }
      }
    }
  }

  @Test
  void f32RowAndTokenTilesMatchScalarJavaBitForBit() {
    // F32 runs in tiles of up to 4 rows x 4 tokens (AVX-512); the 1-3 rows and tokens left over run
    // in smaller tiles. Every batch size 1..9 and row split must give the scalar reference's bits.
    Optional<NativeKernels.Variant> best = NativeKernels.bestVariant();
    org.junit.jupiter.api.Assumptions.assumeTrue(best.isPresent(), "native library not built");
    NativeKernels kernels = NativeKernels.load(best.get()).orElseThrow();
    JavaKernels java = new JavaKernels(false);
    int rows = 23;
    try (Arena arena = Arena.ofConfined()) {
      for (int cols : new int[] {5, 16, 37, 64, 100}) {
        WeightMatrix w = randomMatrix(TensorType.F32, rows, cols, arena);
        for (int count = 1; count <= 9; count++) {
          float[] xs = new float[count * cols];
          for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rnd.nextGaussian() * (i % 3 == 0 ? 1e4f : 1);
          }
          BatchActivations x = new BatchActivations(xs, count, cols);
          x.prepareFor(TensorType.F32);
          float[] expected = new float[count * rows];
          java.matmul(w, x, expected, 0, rows);
          float[] whole = new float[count * rows];
          kernels.matmul(w, x, whole, 0, rows);
          assertThat(whole).as("cols=%d count=%d", cols, count).containsExactly(expected);
          float[] split = new float[count * rows];
          int[] cuts = {0, 1, 3, 8, 13, 14, 21, rows};
          for (int c = 0; c + 1 < cuts.length; c++) {
            kernels.matmul(w, x, split, cuts[c], cuts[c + 1]);
          }
          assertThat(split).as("cols=%d count=%d split", cols, count).containsExactly(expected);
        }
      }
    }
  }

  @Test
  void kQuantKernelsMatchJavaBitForBitOnEveryVariant() {
    // Q4_K/Q6_K (td_kquants.c): decode streams rows, prefill runs 16-row blocks with tiles of up to
    // 4
    // tokens; every variant the CPU runs, batches 1..9 and row splits off any group must give the
    // scalar Java bits, also with extreme fp16 scales and mins and with the integer sums at their
    // bounds.
    Optional<NativeKernels.Variant> best = NativeKernels.bestVariant();
    org.junit.jupiter.api.Assumptions.assumeTrue(best.isPresent(), "native library not built");
    JavaKernels java = new JavaKernels(false);
    int rows = 37;
    int[] cuts = {0, 1, 5, 16, 17, 30, 33, rows};
    try (Arena arena = Arena.ofConfined()) {
      for (TensorType type : new TensorType[] {TensorType.Q4_K, TensorType.Q6_K}) {
        for (int cols : new int[] {256, 768}) {
          WeightMatrix w = randomKQuantMatrix(type, rows, cols, arena);
          for (int count = 1; count <= 9; count++) {
            BatchActivations x = new BatchActivations(kQuantActivations(count, cols), count, cols);
            x.prepareFor(type);
            float[] expected = new float[count * rows];
            java.matmul(w, x, expected, 0, rows);
            for (NativeKernels.Variant v : NativeKernels.Variant.values()) {
              if (v == NativeKernels.Variant.RELAXED_BASELINE
                  || v.ordinal() > best.get().ordinal()) {
                continue;
              }
              NativeKernels kernels = NativeKernels.load(v).orElseThrow();
              float[] whole = new float[count * rows];
              kernels.matmul(w, x, whole, 0, rows);
              assertThat(whole)
                  .as("%s %s cols=%d count=%d", v, type, cols, count)
                  .containsExactly(expected);
              float[] split = new float[count * rows];
              for (int c = 0; c + 1 < cuts.length; c++) {
                kernels.matmul(w, x, split, cuts[c], cuts[c + 1]);
              }
              assertThat(split)
                  .as("%s %s cols=%d count=%d split", v, type, cols, count)
                  .containsExactly(expected);
            }
          }
        }
      }
    }
  }

  /**
   * Gaussian activations with outliers; token 0 all +1 (q = 127 everywhere), token 1's first block
   * zero (d = 0).
   */
  private float[] kQuantActivations(int count, int cols) {
    float[] xs = new float[count * cols];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) rnd.nextGaussian() * (i % 11 == 0 ? 50 : 1);
    }
    java.util.Arrays.fill(xs, 0, cols, 1f);
    if (count > 1) {
      java.util.Arrays.fill(xs, cols, cols + 256, 0f);
    }
    return xs;
  }

  /**
   * Random Q4_K/Q6_K blocks (every 6-bit scale and min, int8 scales down to -128) with fp16 d/dmin
   * drawn from extremes (0, -0, 65504, the smallest subnormal, negatives) as well as ordinary
   * values; row 0's first block has every quant and scale at its largest magnitude.
   */
  private WeightMatrix randomKQuantMatrix(TensorType type, int rows, int cols, Arena arena) {
    int bytes = (int) (type.rowBytes(cols) * rows);
    int bb = type.bytesPerBlock();
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    rnd.nextBytes(buf.array());
    float[] extremes = {0f, -0f, 65504f, -65504f, 0x1p-24f, -0x1p-24f, 0x1p-14f, 1f, -3.5f};
    for (int b = 0; b < bytes / bb; b++) {
      for (int h : type == TensorType.Q4_K ? new int[] {0, 2} : new int[] {208}) {
        float v =
            rnd.nextInt(4) == 0
                ? extremes[rnd.nextInt(extremes.length)]
                : (float) (rnd.nextGaussian() * 0.02);
        buf.putShort(b * bb + h, Float.floatToFloat16(v));
      }
    }
    if (type == TensorType.Q4_K) {
      java.util.Arrays.fill(buf.array(), 4, 144, (byte) 0xFF); // scales, mins 63; nibbles 15
    } else {
      java.util.Arrays.fill(buf.array(), 0, 192, (byte) 0); // every quant 0 - 32 = -32
      java.util.Arrays.fill(buf.array(), 192, 208, (byte) -128);
    }
    MemorySegment seg = arena.allocate(bytes, 64);
    seg.copyFrom(MemorySegment.ofArray(buf.array()));
    return new WeightMatrix("native-test", type, rows, cols, seg);
  }

  /**
   * Random encodings, in native memory like a mapped file; quants cover the full byte range (-128
   * too).
   */
  private WeightMatrix randomMatrix(TensorType type, int rows, int cols, Arena arena) {
    int bytes = (int) (type.rowBytes(cols) * rows);
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    rnd.nextBytes(buf.array());
    if (type == TensorType.F32) {
      for (int i = 0; i < bytes / 4; i++) {
        buf.putFloat(4 * i, (float) rnd.nextGaussian());
      }
    } else {
      for (int b = 0; b < bytes / type.bytesPerBlock(); b++) {
        buf.putShort(
            b * type.bytesPerBlock(), Float.floatToFloat16((float) (rnd.nextGaussian() * 0.02)));
      }
    }
    MemorySegment seg = arena.allocate(bytes, 64);
    seg.copyFrom(MemorySegment.ofArray(buf.array()));
    return new WeightMatrix("native-test", type, rows, cols, seg);
  }
}
