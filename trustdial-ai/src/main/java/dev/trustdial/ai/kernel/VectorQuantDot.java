package dev.trustdial.ai.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link QuantDot}'s Q8_0 and Q4_0 with the Vector API. Only the exact integer block sum is
 * vectorised (any order gives the same int); the float accumulation over blocks is the same scalar
 * fma chain, so the bits equal the scalar kernel's. Q8_0 uses 256-bit shapes when the hardware has
 * them, else 128-bit; Q4_0 unpacks 16 bytes into two 128-bit halves.
 */
final class VectorQuantDot {
  static final boolean WIDE = ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  private static final VectorSpecies<Byte> B =
      WIDE ? ByteVector.SPECIES_256 : ByteVector.SPECIES_128;

  private VectorQuantDot() {}

  /** Σ w_i·x_i over 32 bytes: |w·x| ≤ 128·127, two products per short lane stay below 2^15. */
  private static int blockSum(ByteVector w0, ByteVector x0, ByteVector w1, ByteVector x1) {
    boolean wide = w0.length() == 32;
    VectorSpecies<Short> s = wide ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    VectorSpecies<Integer> i = wide ? IntVector.SPECIES_256 : IntVector.SPECIES_128;
    IntVector acc = IntVector.zero(i);
    for (int part = 0; part < 2; part++) {
      ShortVector p =
          ((ShortVector) w0.convertShape(VectorOperators.B2S, s, part))
              .mul((ShortVector) x0.convertShape(VectorOperators.B2S, s, part));
      if (w1 != null) {
        p =
            p.add(
                ((ShortVector) w1.convertShape(VectorOperators.B2S, s, part))
                    .mul((ShortVector) x1.convertShape(VectorOperators.B2S, s, part)));
      }
      acc =
          acc.add((IntVector) p.convertShape(VectorOperators.S2I, i, 0))
              .add((IntVector) p.convertShape(VectorOperators.S2I, i, 1));
    }
    return acc.reduceLanes(VectorOperators.ADD); // integer: exact in any order
  }

  static float q8_0(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    float acc = 0f;
    for (int b = 0; b < n / 32; b++, off += 34) {
      int base = xo + b * 32;
      int isum;
      if (WIDE) {
        isum =
            blockSum(
                ByteVector.fromMemorySegment(B, w, off + 2, ByteOrder.LITTLE_ENDIAN),
                ByteVector.fromArray(B, xq, base),
                null,
                null);
      } else {
        isum =
            blockSum(
                ByteVector.fromMemorySegment(B, w, off + 2, ByteOrder.LITTLE_ENDIAN),
                ByteVector.fromArray(B, xq, base),
                ByteVector.fromMemorySegment(B, w, off + 18, ByteOrder.LITTLE_ENDIAN),
                ByteVector.fromArray(B, xq, base + 16));
      }
      acc = Math.fma((float) isum, WeightFormat.QuantRows.half(w, off) * xd[xdo + b], acc);
    }
    return acc;
  }

  static float q4_0(MemorySegment w, long off, int n, byte[] xq, int xo, float[] xd, int xdo) {
    float acc = 0f;
    VectorSpecies<Byte> b16 = ByteVector.SPECIES_128;
    for (int b = 0; b < n / 32; b++, off += 18) {
      int base = xo + b * 32;
      ByteVector packed = ByteVector.fromMemorySegment(b16, w, off + 2, ByteOrder.LITTLE_ENDIAN);
      ByteVector lo = packed.and((byte) 0xF).sub((byte) 8);
      ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0xF).sub((byte) 8);
      int isum =
          blockSum(
              lo,
              ByteVector.fromArray(b16, xq, base),
              hi,
              ByteVector.fromArray(b16, xq, base + 16));
      acc = Math.fma((float) isum, WeightFormat.QuantRows.half(w, off) * xd[xdo + b], acc);
    }
    return acc;
  }
}
