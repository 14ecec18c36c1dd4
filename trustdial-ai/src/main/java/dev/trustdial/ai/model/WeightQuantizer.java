package dev.trustdial.ai.model;

import dev.trustdial.ai.Invariant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes float weights into GGML block formats (the reference quantizers of llama.cpp, rewritten
 * from the format description): used by the benchmark-model generator.
 */
public final class WeightQuantizer {
  private WeightQuantizer() {}

  public static byte[] encode(float[] x, TensorType type) {
    long bytes = type.rowBytes(x.length);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F32 -> {
        for (float f : x) {
          out.putFloat(f);
        }
      }
      case F16 -> {
        for (float f : x) {
          out.putShort(Float.floatToFloat16(f));
        }
      }
      case BF16 -> {
        for (float f : x) {
          out.putShort(
              (short)
                  (Float.floatToRawIntBits(f) >>> 16)); // truncation; exact for generated values
        }
      }
      case Q8_0 -> {
        for (int b = 0; b < x.length; b += 32) {
          float amax = 0;
          for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[b + i]));
          }
          float d = amax / 127f;
          float id = d == 0 ? 0 : 1f / d;
          out.putShort(Float.floatToFloat16(d));
          for (int i = 0; i < 32; i++) {
            // C roundf: ties away from zero (Math.round sends -9.5 to -9, llama.cpp to -10)
            float v = x[b + i] * id;
            int r = Math.round(Math.abs(v));
            out.put((byte) (v < 0 ? -r : r));
          }
        }
      }
      case Q4_0 -> {
        for (int b = 0; b < x.length; b += 32) {
          float max = 0; // the value of largest magnitude, with its sign, maps to -8
          for (int i = 0; i < 32; i++) {
            if (Math.abs(x[b + i]) > Math.abs(max)) {
              max = x[b + i];
            }
          }
          float d = max / -8f;
          float id = d == 0 ? 0 : 1f / d;
          out.putShort(Float.floatToFloat16(d));
          for (int i = 0; i < 16; i++) {
            int lo = Math.min(15, (int) (x[b + i] * id + 8.5f));
            int hi = Math.min(15, (int) (x[b + i + 16] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
          }
        }
      }
      case Q4_K, Q6_K ->
          throw new dev.trustdial.core.InvalidInputException(
              "the generator writes F32, F16, BF16, Q8_0 and Q4_0; "
                  + type
                  + " files come from llama.cpp");
    }
    Invariant.check(!out.hasRemaining(), "the quantized tensor fills its buffer");
    return out.array();
  }
}
