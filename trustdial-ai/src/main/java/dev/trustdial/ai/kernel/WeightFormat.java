package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.MappedFile;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * How the engine reads one weight encoding (GGML block layouts): a row's dequantisation to float32
 * and the pure-Java matmul over a row range with the canonical dot of determinism.md (§F for float
 * rows, §Q for quantized ones). Every {@link TensorType} has exactly one, named by the exhaustive
 * switch in {@link #of}, so adding a type is its enum constant and one class here (the native
 * kernels, where wanted, live in src/main/c).
 */
public sealed interface WeightFormat {

  static WeightFormat of(TensorType type) {
    return switch (type) {
      case F32 -> F32.INSTANCE;
      case F16 -> F16.INSTANCE;
      case BF16 -> BF16.INSTANCE;
      case Q8_0 -> Q8_0.INSTANCE;
      case Q4_0 -> Q4_0.INSTANCE;
      case Q4_K -> Q4_K.INSTANCE;
      case Q6_K -> Q6_K.INSTANCE;
    };
  }

  /**
   * The block size activations are quantized to for this format's dot (32 or 256), or 0 for floats.
   */
  int activationBlock();

  /**
   * Decodes {@code n} elements (whole blocks) at byte offset {@code off} to {@code out[o..o+n)}.
   */
  void decode(MemorySegment s, long off, int n, float[] out, int o);

  /** {@code out[t * rows + r]} for rows r in [from, to) and every token t of {@code x}. */
  void matmul(JavaKernels k, WeightMatrix w, BatchActivations x, float[] out, int from, int to);

  /** The float formats: each row decoded once, then the canonical float dot with every token. */
  abstract sealed class FloatRows implements WeightFormat permits F32, F16, BF16 {
    @Override
    public int activationBlock() {
      return 0;
    }

    @Override
    public void matmul(
        JavaKernels k, WeightMatrix w, BatchActivations x, float[] out, int from, int to) {
      int n = w.cols();
      int rows = w.rows();
      float[] row = new float[n];
      float[] xf = x.floats();
      for (int r = from; r < to; r++) {
        decode(w.data(), r * w.rowBytes(), n, row, 0);
        for (int t = 0; t < x.count(); t++) {
          out[t * rows + r] = k.dot(row, 0, xf, t * n, n);
        }
      }
    }
  }

  final class F32 extends FloatRows {
    static final F32 INSTANCE = new F32();

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      MemorySegment.copy(s, MappedFile.F32, off, out, o, n);
    }
  }

  final class F16 extends FloatRows {
    static final F16 INSTANCE = new F16();

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      for (int i = 0; i < n; i++) {
        out[o + i] = Float.float16ToFloat(s.get(MappedFile.I16, off + 2L * i));
      }
    }
  }

  final class BF16 extends FloatRows {
    static final BF16 INSTANCE = new BF16();

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      for (int i = 0; i < n; i++) {
        out[o + i] = Float.intBitsToFloat((s.get(MappedFile.I16, off + 2L * i) & 0xFFFF) << 16);
      }
    }
  }

  /**
   * The quantized formats: activations quantized per {@link #activationBlock()}, each output the
   * format's integer block dot of one row with one token (inside a block exact integer arithmetic;
   * across blocks fma in increasing block order from +0).
   */
  abstract sealed class QuantRows implements WeightFormat permits Q8_0, Q4_0, Q4_K, Q6_K {
    /** The dot of the row at {@code off} with the activations of one token. */
    abstract float dot(
        JavaKernels k, MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo);

    @Override
    public void matmul(
        JavaKernels k, WeightMatrix w, BatchActivations x, float[] out, int from, int to) {
      int n = w.cols();
      int rows = w.rows();
      int block = activationBlock();
      QuantizedActivations q = x.quantized(block);
      for (int r = from; r < to; r++) {
        long off = r * w.rowBytes();
        for (int t = 0; t < x.count(); t++) {
          out[t * rows + r] = dot(k, w.data(), off, n, q.q(), t * n, q.scale(), t * (n / block));
        }
      }
    }

    static float half(MemorySegment s, long off) {
      return Float.float16ToFloat(s.get(MappedFile.I16, off));
    }

    static int byteAt(MemorySegment s, long off) {
      return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
  }

  /** 32 int8 quants and an fp16 scale per block of 34 bytes. */
  final class Q8_0 extends QuantRows {
    static final Q8_0 INSTANCE = new Q8_0();

    @Override
    public int activationBlock() {
      return 32;
    }

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      for (int b = 0; b < n / 32; b++, off += 34) {
        float d = half(s, off);
        for (int i = 0; i < 32; i++) {
          out[o + b * 32 + i] = d * s.get(ValueLayout.JAVA_BYTE, off + 2 + i);
        }
      }
    }

    @Override
    float dot(
        JavaKernels k, MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      // The vector path wins only with 256-bit shapes (measured; 128-bit conversions are not
      // intrinsified and run far slower than scalar code).
      return k.vectorApi() && VectorQuantDot.WIDE
          ? VectorQuantDot.q8_0(w, off, n, xq, xo, xd, xdo)
          : dot(w, off, n, xq, xo, xd, xdo);
    }

    /** The scalar reference. */
    static float dot(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      float acc = 0f;
      for (int b = 0; b < n / 32; b++, off += 34) {
        int isum = 0;
        for (int i = 0; i < 32; i++) {
          isum += w.get(ValueLayout.JAVA_BYTE, off + 2 + i) * xq[xo + b * 32 + i];
        }
        acc = Math.fma((float) isum, half(w, off) * xd[xdo + b], acc);
      }
      return acc;
    }
  }

  /**
   * An fp16 scale and 32 4-bit quants (offset 8; low nibbles elements 0..15, high 16..31) per 18
   * bytes.
   */
  final class Q4_0 extends QuantRows {
    static final Q4_0 INSTANCE = new Q4_0();

    @Override
    public int activationBlock() {
      return 32;
    }

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      for (int b = 0; b < n / 32; b++, off += 18) {
        float d = half(s, off);
        for (int i = 0; i < 16; i++) {
          int packed = s.get(ValueLayout.JAVA_BYTE, off + 2 + i) & 0xFF;
          out[o + b * 32 + i] = d * ((packed & 0xF) - 8);
          out[o + b * 32 + i + 16] = d * ((packed >> 4) - 8);
        }
      }
    }

    @Override
    float dot(
        JavaKernels k, MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      return dot(w, off, n, xq, xo, xd, xdo);
    }

    /** The scalar reference (also what the Java kernels run: it beats the Vector API here). */
    static float dot(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      float acc = 0f;
      for (int b = 0; b < n / 32; b++, off += 18) {
        int isum = 0;
        int base = xo + b * 32;
        for (int i = 0; i < 16; i++) {
          int packed = w.get(ValueLayout.JAVA_BYTE, off + 2 + i) & 0xFF;
          isum += ((packed & 0xF) - 8) * xq[base + i] + ((packed >> 4) - 8) * xq[base + i + 16];
        }
        acc = Math.fma((float) isum, half(w, off) * xd[xdo + b], acc);
      }
      return acc;
    }
  }

  /** 256 elements per 144 bytes: fp16 d and dmin, 8 six-bit (scale, min) pairs, 4-bit quants. */
  final class Q4_K extends QuantRows {
    static final Q4_K INSTANCE = new Q4_K();

    @Override
    public int activationBlock() {
      return 256;
    }

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      int[] sc = new int[8];
      int[] mn = new int[8];
      for (int b = 0; b < n / 256; b++, off += 144) {
        float d = half(s, off);
        float dmin = half(s, off + 2);
        scales(s, off + 4, sc, mn);
        for (int j = 0; j < 8; j++) {
          for (int i = 0; i < 32; i++) {
            out[o + b * 256 + j * 32 + i] = d * sc[j] * quant(s, off, j, i) - dmin * mn[j];
          }
        }
      }
    }

    /**
     * Per 256 block: sumi = Σ_j sc_j·Σ q·x, summ = Σ_j m_j·Σ x; acc = fma(sumi, d·dx, acc); acc =
     * fma(summ, −(dmin·dx), acc).
     */
    @Override
    float dot(
        JavaKernels k, MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      int[] sc = new int[8];
      int[] mn = new int[8];
      float acc = 0f;
      for (int b = 0; b < n / 256; b++, off += 144) {
        scales(w, off + 4, sc, mn);
        int sumi = 0;
        int summ = 0;
        for (int j = 0; j < 8; j++) {
          int dot = 0;
          int xsum = 0;
          for (int i = 0; i < 32; i++) {
            int x = xq[xo + b * 256 + j * 32 + i];
            dot += quant(w, off, j, i) * x;
            xsum += x;
          }
          sumi += sc[j] * dot;
          summ += mn[j] * xsum;
        }
        float dx = xd[xdo + b];
        acc = Math.fma((float) sumi, half(w, off) * dx, acc);
        acc = Math.fma((float) summ, -(half(w, off + 2) * dx), acc);
      }
      return acc;
    }

    /** The 8 six-bit (scale, min) pairs packed into 12 bytes of a Q4_K block. */
    static void scales(MemorySegment s, long off, int[] sc, int[] mn) {
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

    /**
     * Element i (0..31) of sub-block j of the block at off: low nibbles for even j, high for odd.
     */
    static int quant(MemorySegment s, long off, int j, int i) {
      int packed = byteAt(s, off + 16 + (j / 2) * 32 + i);
      return (j & 1) == 0 ? packed & 0xF : packed >> 4;
    }
  }

  /** 256 elements per 210 bytes: 6-bit quants (low 4 bits, high 2 bits), 16 int8 scales, fp16 d. */
  final class Q6_K extends QuantRows {
    static final Q6_K INSTANCE = new Q6_K();

    @Override
    public int activationBlock() {
      return 256;
    }

    @Override
    public void decode(MemorySegment s, long off, int n, float[] out, int o) {
      for (int b = 0; b < n / 256; b++, off += 210) {
        float d = half(s, off + 208);
        for (int i = 0; i < 256; i++) {
          out[o + b * 256 + i] = d * scale(s, off, i / 16) * quant(s, off, i);
        }
      }
    }

    /**
     * Per 256 block: sumi = Σ_j sc_j·Σ (q−32)·x over 16-element sub-blocks; acc = fma(sumi, d·dx,
     * acc).
     */
    @Override
    float dot(
        JavaKernels k, MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
      float acc = 0f;
      for (int b = 0; b < n / 256; b++, off += 210) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
          int dot = 0;
          for (int i = 0; i < 16; i++) {
            dot += quant(w, off, j * 16 + i) * xq[xo + b * 256 + j * 16 + i];
          }
          sumi += scale(w, off, j) * dot;
        }
        acc = Math.fma((float) sumi, half(w, off + 208) * xd[xdo + b], acc);
      }
      return acc;
    }

    /** Signed 6-bit quant minus 32 of element i (0..255) of the block at off. */
    static int quant(MemorySegment s, long off, int i) {
      int half = i / 128;
      int r = i % 128;
      int l = r % 32;
      int quarter = r / 32;
      long ql = off + half * 64L;
      long qh = off + 128 + half * 32L;
      int low =
          switch (quarter) {
            case 0 -> byteAt(s, ql + l) & 0xF;
            case 1 -> byteAt(s, ql + l + 32) & 0xF;
            case 2 -> byteAt(s, ql + l) >> 4;
            default -> byteAt(s, ql + l + 32) >> 4;
          };
      int high = (byteAt(s, qh + l) >> (2 * quarter)) & 3;
      return (low | (high << 4)) - 32;
    }

    /** Signed scale of 16-element sub-block j (0..15) of the block at off. */
    static int scale(MemorySegment s, long off, int j) {
      return s.get(ValueLayout.JAVA_BYTE, off + 192 + j);
    }
  }
}
