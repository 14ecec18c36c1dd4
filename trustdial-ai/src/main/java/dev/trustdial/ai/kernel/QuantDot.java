package dev.trustdial.ai.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Integer block dot products of one quantized weight row with one block-quantized activation
 * vector (determinism.md §Q). Inside a block the sum is exact integer arithmetic; across blocks
 * {@code acc = fma((float) isum, dw * dx, acc)} in increasing block order from +0.
 */
final class QuantDot {
  private QuantDot() {}

  static float q8_0(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    float acc = 0f;
    for (int b = 0; b < n / 32; b++, off += 34) {
      int isum = 0;
      for (int i = 0; i < 32; i++) {
        isum += w.get(ValueLayout.JAVA_BYTE, off + 2 + i) * xq[xo + b * 32 + i];
      }
      acc = Math.fma((float) isum, Dequantizer.half(w, off) * xd[xdo + b], acc);
    }
    return acc;
  }

  static float q4_0(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    float acc = 0f;
    for (int b = 0; b < n / 32; b++, off += 18) {
      int isum = 0;
      int base = xo + b * 32;
      for (int i = 0; i < 16; i++) {
        int packed = w.get(ValueLayout.JAVA_BYTE, off + 2 + i) & 0xFF;
        isum += ((packed & 0xF) - 8) * xq[base + i] + ((packed >> 4) - 8) * xq[base + i + 16];
      }
      acc = Math.fma((float) isum, Dequantizer.half(w, off) * xd[xdo + b], acc);
    }
    return acc;
  }

  /** Per 256 block: sumi = Σ_j sc_j·Σ q·x, summ = Σ_j m_j·Σ x; acc = fma(sumi, d·dx, acc); acc = fma(summ, −(dmin·dx), acc). */
  static float q4_K(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    int[] sc = new int[8];
    int[] mn = new int[8];
    float acc = 0f;
    for (int b = 0; b < n / 256; b++, off += 144) {
      Dequantizer.q4kScales(w, off + 4, sc, mn);
      int sumi = 0;
      int summ = 0;
      for (int j = 0; j < 8; j++) {
        int dot = 0;
        int xsum = 0;
        for (int i = 0; i < 32; i++) {
          int x = xq[xo + b * 256 + j * 32 + i];
          dot += Dequantizer.q4kQuant(w, off, j, i) * x;
          xsum += x;
        }
        sumi += sc[j] * dot;
        summ += mn[j] * xsum;
      }
      float dx = xd[xdo + b];
      acc = Math.fma((float) sumi, Dequantizer.half(w, off) * dx, acc);
      acc = Math.fma((float) summ, -(Dequantizer.half(w, off + 2) * dx), acc);
    }
    return acc;
  }

  /** Per 256 block: sumi = Σ_j sc_j·Σ (q−32)·x over 16-element sub-blocks; acc = fma(sumi, d·dx, acc). */
  static float q6_K(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    float acc = 0f;
    for (int b = 0; b < n / 256; b++, off += 210) {
      int sumi = 0;
      for (int j = 0; j < 16; j++) {
        int dot = 0;
        for (int i = 0; i < 16; i++) {
          dot += Dequantizer.q6kQuant(w, off, j * 16 + i) * xq[xo + b * 256 + j * 16 + i];
        }
        sumi += Dequantizer.q6kScale(w, off, j) * dot;
      }
      acc = Math.fma((float) sumi, Dequantizer.half(w, off + 208) * xd[xdo + b], acc);
    }
    return acc;
  }

}
