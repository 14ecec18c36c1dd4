package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.MappedFile;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Decodes weight rows to float32 (GGML block layouts). Used for float matmuls and embedding lookups. */
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
    switch (type) {
      case F32 -> MemorySegment.copy(s, MappedFile.F32, off, out, o, n);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = Float.float16ToFloat(s.get(MappedFile.I16, off + 2L * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[o + i] = Float.intBitsToFloat((s.get(MappedFile.I16, off + 2L * i) & 0xFFFF) << 16);
        }
      }
      case Q8_0 -> {
        for (int b = 0; b < n / 32; b++, off += 34) {
          float d = half(s, off);
          for (int i = 0; i < 32; i++) {
            out[o + b * 32 + i] = d * s.get(ValueLayout.JAVA_BYTE, off + 2 + i);
          }
        }
      }
      case Q4_0 -> {
        for (int b = 0; b < n / 32; b++, off += 18) {
          float d = half(s, off);
          for (int i = 0; i < 16; i++) {
            int packed = s.get(ValueLayout.JAVA_BYTE, off + 2 + i) & 0xFF;
            out[o + b * 32 + i] = d * ((packed & 0xF) - 8);
            out[o + b * 32 + i + 16] = d * ((packed >> 4) - 8);
          }
        }
      }
      case Q4_K -> {
        int[] sc = new int[8];
        int[] mn = new int[8];
        for (int b = 0; b < n / 256; b++, off += 144) {
          float d = half(s, off);
          float dmin = half(s, off + 2);
          q4kScales(s, off + 4, sc, mn);
          for (int j = 0; j < 8; j++) {
            for (int i = 0; i < 32; i++) {
              out[o + b * 256 + j * 32 + i] = d * sc[j] * q4kQuant(s, off, j, i) - dmin * mn[j];
            }
          }
        }
      }
      case Q6_K -> {
        for (int b = 0; b < n / 256; b++, off += 210) {
          float d = half(s, off + 208);
          for (int i = 0; i < 256; i++) {
            out[o + b * 256 + i] = d * q6kScale(s, off, i / 16) * q6kQuant(s, off, i);
          }
        }
      }
    }
  }

  static float half(MemorySegment s, long off) {
    return Float.float16ToFloat(s.get(MappedFile.I16, off));
  }

  /** The 8 six-bit (scale, min) pairs packed into 12 bytes of a Q4_K block. */
  static void q4kScales(MemorySegment s, long off, int[] sc, int[] mn) {
    for (int j = 0; j < 8; j++) {
      if (j < 4) {
        sc[j] = byteAt(s, off + j) & 63;
        mn[j] = byteAt(s, off + j + 4) & 63;
      } else {
        sc[j] = (byteAt(s, off + j + 4) & 0xF) | ((byteAt(s, off + j - 4) >> 6) << 4);
        mn[j] = (byteAt(s, off + j + 4) >> 4) | ((byteAt(s, off + j) >> 6) << 4);
      }
    }
  }

  /** Element i (0..31) of sub-block j of the Q4_K block at off: low nibbles for even j, high for odd. */
  static int q4kQuant(MemorySegment s, long off, int j, int i) {
    int packed = byteAt(s, off + 16 + (j / 2) * 32 + i);
    return (j & 1) == 0 ? packed & 0xF : packed >> 4;
  }

  /** Signed 6-bit quant minus 32 of element i (0..255) of the Q6_K block at off. */
  static int q6kQuant(MemorySegment s, long off, int i) {
    int half = i / 128;
    int r = i % 128;
    int l = r % 32;
    int quarter = r / 32;
    long ql = off + half * 64L;
    long qh = off + 128 + half * 32L;
    int low = switch (quarter) {
      case 0 -> byteAt(s, ql + l) & 0xF;
      case 1 -> byteAt(s, ql + l + 32) & 0xF;
      case 2 -> byteAt(s, ql + l) >> 4;
      default -> byteAt(s, ql + l + 32) >> 4;
    };
    int high = (byteAt(s, qh + l) >> (2 * quarter)) & 3;
    return (low | (high << 4)) - 32;
  }

  /** Signed scale of 16-element sub-block j (0..15) of the Q6_K block at off. */
  static int q6kScale(MemorySegment s, long off, int j) {
    return s.get(ValueLayout.JAVA_BYTE, off + 192 + j);
  }

  private static int byteAt(MemorySegment s, long off) {
    return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
  }
}
