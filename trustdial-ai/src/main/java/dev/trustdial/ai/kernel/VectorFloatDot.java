package dev.trustdial.ai.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatDot} with the Vector API. The hardware width (4, 8 or 16 floats) is chosen at run
 * time; 16/width accumulators hold the 16 virtual lanes, so the bits never depend on the width.
 * Never uses reduceLanes(ADD), whose order is unspecified.
 */
final class VectorFloatDot {
  static final VectorSpecies<Float> SPECIES = pickSpecies();

  private VectorFloatDot() {}

  private static VectorSpecies<Float> pickSpecies() {
    int lanes = Math.min(FloatVector.SPECIES_PREFERRED.length(), 16);
    return switch (lanes) {
      case 16 -> FloatVector.SPECIES_512;
      case 8 -> FloatVector.SPECIES_256;
      default -> FloatVector.SPECIES_128;
    };
  }

  // Lane j+h moved to lane j: one step of the §F pairwise tree, in registers.
  private static final VectorShuffle<Float> DOWN8 = down(8);
  private static final VectorShuffle<Float> DOWN4 = down(4);
  private static final VectorShuffle<Float> DOWN2 = down(2);
  private static final VectorShuffle<Float> DOWN1 = down(1);

  private static VectorShuffle<Float> down(int h) {
    return VectorShuffle.fromOp(FloatVector.SPECIES_512, j -> (j + h) & 15);
  }

  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    int full = n & ~15;
    if (full == n && SPECIES.length() == 16) {
      // No tail: the 16 lane sums never leave the register. After the step for h, lanes j < h
      // hold acc[j] + acc[j + h] exactly as FloatDot.reduce computes them (other lanes unused).
      FloatVector s0 = FloatVector.zero(FloatVector.SPECIES_512);
      for (int i = 0; i < full; i += 16) {
        s0 =
            FloatVector.fromArray(FloatVector.SPECIES_512, a, ao + i)
                .fma(FloatVector.fromArray(FloatVector.SPECIES_512, b, bo + i), s0);
      }
      s0 = s0.add(s0.rearrange(DOWN8));
      s0 = s0.add(s0.rearrange(DOWN4));
      s0 = s0.add(s0.rearrange(DOWN2));
      s0 = s0.add(s0.rearrange(DOWN1));
      return s0.lane(0);
    }
    float[] acc = new float[16];
    switch (SPECIES.length()) {
      case 16 -> {
        FloatVector s0 = FloatVector.zero(FloatVector.SPECIES_512);
        for (int i = 0; i < full; i += 16) {
          s0 =
              FloatVector.fromArray(FloatVector.SPECIES_512, a, ao + i)
                  .fma(FloatVector.fromArray(FloatVector.SPECIES_512, b, bo + i), s0);
        }
        s0.intoArray(acc, 0);
      }
      case 8 -> {
        var sp = FloatVector.SPECIES_256;
        FloatVector s0 = FloatVector.zero(sp);
        FloatVector s1 = FloatVector.zero(sp);
        for (int i = 0; i < full; i += 16) {
          s0 = FloatVector.fromArray(sp, a, ao + i).fma(FloatVector.fromArray(sp, b, bo + i), s0);
          s1 =
              FloatVector.fromArray(sp, a, ao + i + 8)
                  .fma(FloatVector.fromArray(sp, b, bo + i + 8), s1);
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, 8);
      }
      default -> {
        var sp = FloatVector.SPECIES_128;
        FloatVector s0 = FloatVector.zero(sp);
        FloatVector s1 = FloatVector.zero(sp);
        FloatVector s2 = FloatVector.zero(sp);
        FloatVector s3 = FloatVector.zero(sp);
        for (int i = 0; i < full; i += 16) {
          s0 = FloatVector.fromArray(sp, a, ao + i).fma(FloatVector.fromArray(sp, b, bo + i), s0);
          s1 =
              FloatVector.fromArray(sp, a, ao + i + 4)
                  .fma(FloatVector.fromArray(sp, b, bo + i + 4), s1);
          s2 =
              FloatVector.fromArray(sp, a, ao + i + 8)
                  .fma(FloatVector.fromArray(sp, b, bo + i + 8), s2);
          s3 =
              FloatVector.fromArray(sp, a, ao + i + 12)
                  .fma(FloatVector.fromArray(sp, b, bo + i + 12), s3);
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, 4);
        s2.intoArray(acc, 8);
        s3.intoArray(acc, 12);
      }
    }
    for (int i = full; i < n; i++) {
      acc[i & 15] = Math.fma(a[ao + i], b[bo + i], acc[i & 15]);
    }
    return FloatDot.reduce(acc);
  }

  /**
   * out[oo + i] = fma(p, v[vo + i], out[oo + i]) for i < n: element-wise, so any width gives the
   * same bits.
   */
  static void fmaAccumulate(float p, float[] v, int vo, float[] out, int oo, int n) {
    VectorSpecies<Float> sp = SPECIES;
    FloatVector pv = FloatVector.broadcast(sp, p);
    int i = 0;
    for (int full = sp.loopBound(n); i < full; i += sp.length()) {
      pv.fma(FloatVector.fromArray(sp, v, vo + i), FloatVector.fromArray(sp, out, oo + i))
          .intoArray(out, oo + i);
    }
    for (; i < n; i++) {
      out[oo + i] = Math.fma(p, v[vo + i], out[oo + i]);
    }
  }
}
