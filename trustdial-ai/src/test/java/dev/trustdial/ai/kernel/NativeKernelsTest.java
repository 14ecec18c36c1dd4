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
      assertThat(NativeKernels.bestVariant()).as("gcc is installed, so build.sh must have built the library").isPresent();
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
        for (TensorType type : new TensorType[] {TensorType.F32, TensorType.Q8_0, TensorType.Q4_0}) {
          for (int cols : type == TensorType.F32 ? new int[] {7, 16, 64, 100, 288} : new int[] {32, 96, 288}) {
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
              assertThat(actual).as("%s %s cols=%d count=%d", v, type, cols, count).containsExactly(expected);
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
            assertThat(whole).as("%s cols=%d count=%d", type, cols, count).containsExactly(expected);
            float[] split = new float[count * rows];
            int[] cuts = {0, 5, 16, 40, 48, rows};
            for (int c = 0; c + 1 < cuts.length; c++) {
              kernels.matmul(w, x, split, cuts[c], cuts[c + 1]);
            }
            assertThat(split).as("%s cols=%d count=%d split", type, cols, count).containsExactly(expected);
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

  /** Random encodings, in native memory like a mapped file; quants cover the full byte range (-128 too). */
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
        buf.putShort(b * type.bytesPerBlock(), Float.floatToFloat16((float) (rnd.nextGaussian() * 0.02)));
      }
    }
    MemorySegment seg = arena.allocate(bytes, 64);
    seg.copyFrom(MemorySegment.ofArray(buf.array()));
    return new WeightMatrix("native-test", type, rows, cols, seg);
  }
}
