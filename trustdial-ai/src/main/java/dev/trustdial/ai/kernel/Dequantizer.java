package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.MemorySegment;

/**
 * Decodes weight rows to float32 with each type's {@link WeightFormat}. Used for embedding lookups
 * and loading.
 */
public final class Dequantizer {
  private Dequantizer() {}

  public static float[] row(WeightMatrix w, int row) {
    float[] out = new float[w.cols()];
    row(w, row, out, 0);
    return out;
  }

  public static void row(WeightMatrix w, int row, float[] out, int outOff) {
    java.util.Objects.checkIndex(row, w.rows());
    decode(w.type(), w.data(), row * w.rowBytes(), w.cols(), out, outOff);
  }

  public static void decode(TensorType type, MemorySegment s, long off, int n, float[] out, int o) {
    WeightFormat.of(type).decode(s, off, n, out, o);
  }
}
