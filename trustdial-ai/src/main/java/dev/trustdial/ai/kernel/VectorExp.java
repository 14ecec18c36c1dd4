package dev.trustdial.ai.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code (float) StrictMath.exp((double) x)} several lanes at a time: fdlibm's e_exp.c (the
 * algorithm of java.lang.FdLibm.Exp) with the same IEEE operations in the same order in every lane,
 * so the same bits (determinism.md §Ops allows StrictMath only; this is StrictMath, vectorised).
 * Lanes fdlibm treats specially (|x| ≥ 709.78, NaN, ±∞) send their group to StrictMath itself.
 */
final class VectorExp {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F =
      VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));

  private static final double LN2_HI = 0x1.62e42feep-1;
  private static final double LN2_LO = 0x1.a39ef35793c76p-33;
  private static final double INV_LN2 = 0x1.71547652b82fep0;
  private static final double TWO_M1000 = 0x1.0p-1000;
  private static final double P1 = 0x1.555555555553ep-3;
  private static final double P2 = -0x1.6c16c16bebd93p-9;
  private static final double P3 = 0x1.1566aaf25de2cp-14;
  private static final double P4 = -0x1.bbd41c5d26bf1p-20;
  private static final double P5 = 0x1.6376972bea4d0p-25;

  private VectorExp() {}

  /**
   * out[oo + i] = (float) StrictMath.exp((double) (sign * in[io + i])) for i < n; sign is 1 or −1.
   */
  static void exp(float[] in, int io, float sign, float[] out, int oo, int n) {
    int lanes = D.length();
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      FloatVector xf = FloatVector.fromArray(F, in, io + i);
      if (sign != 1f) {
        xf = xf.neg();
      }
      DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector y = expOrNull(x);
      if (y == null) {
        for (int j = 0; j < lanes; j++) {
          out[oo + i + j] = (float) StrictMath.exp(sign * in[io + i + j]);
        }
      } else {
        ((FloatVector) y.convertShape(VectorOperators.D2F, F, 0)).intoArray(out, oo + i);
      }
    }
    for (; i < n; i++) {
      out[oo + i] = (float) StrictMath.exp(sign * in[io + i]);
    }
  }

  /**
   * Benchmark baseline only (LayerOps.relaxed()): the Vector API's own float exp (SVML on x86, not
   * bit-specified), the fastest exp a non-deterministic engine would use.
   */
  static void relaxedExp(float[] in, int io, float sign, float[] out, int oo, int n) {
    VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
    int i = 0;
    for (; i + sp.length() <= n; i += sp.length()) {
      FloatVector.fromArray(sp, in, io + i)
          .mul(sign)
          .lanewise(VectorOperators.EXP)
          .intoArray(out, oo + i);
    }
    for (; i < n; i++) {
      out[oo + i] = (float) Math.exp(sign * in[io + i]);
    }
  }

  /** fdlibm exp per lane, or null when a lane needs its special cases. */
  private static DoubleVector expOrNull(DoubleVector x) {
    LongVector bits = x.viewAsIntegralLanes();
    LongVector hx = bits.lanewise(VectorOperators.LSHR, 32).and(0x7fffffffL); // high word of |x|
    if (hx.compare(VectorOperators.GE, 0x40862E42L).anyTrue()) {
      return null; // |x| >= 709.78..., NaN or infinite
    }
    VectorMask<Long> negative = bits.compare(VectorOperators.LT, 0L);
    VectorMask<Long> tiny = hx.compare(VectorOperators.LT, 0x3e300000L); // |x| < 2^-28: 1 + x
    VectorMask<Long> reduce = hx.compare(VectorOperators.GT, 0x3fd62e42L); // |x| > 0.5 ln2
    VectorMask<Long> nearOne =
        reduce.and(hx.compare(VectorOperators.LT, 0x3FF0A2B2L)); // and < 1.5 ln2
    // k: ±1 below 1.5 ln2, else (int) (invln2 * x ± 0.5); 0 when no reduction. Then hi − lo.
    DoubleVector half =
        DoubleVector.broadcast(D, 0.5).blend(DoubleVector.broadcast(D, -0.5), negative.cast(D));
    LongVector kBig = (LongVector) x.mul(INV_LN2).add(half).convert(VectorOperators.D2L, 0);
    LongVector kOne = LongVector.broadcast(bits.species(), 1L).blend(-1L, negative);
    LongVector k = kBig.blend(kOne, nearOne).blend(0L, reduce.not());
    DoubleVector t = (DoubleVector) k.convert(VectorOperators.L2D, 0);
    DoubleVector hi = x.sub(t.mul(LN2_HI));
    DoubleVector lo = t.mul(LN2_LO);
    VectorMask<Double> reduceD = reduce.cast(D);
    DoubleVector xr = hi.sub(lo).blend(x, reduceD.not());
    DoubleVector tt = xr.mul(xr);
    DoubleVector c =
        xr.sub(tt.mul(tt.mul(tt.mul(tt.mul(tt.mul(P5).add(P4)).add(P3)).add(P2)).add(P1)));
    // k == 0: 1 − ((x·c)/(c − 2) − x); else 1 − ((lo − (x·c)/(2 − c)) − hi), then scaled by 2^k.
    DoubleVector yNoK = DoubleVector.broadcast(D, 1.0).sub(xr.mul(c).div(c.sub(2.0)).sub(xr));
    DoubleVector yK =
        DoubleVector.broadcast(D, 1.0)
            .sub(lo.sub(xr.mul(c).div(DoubleVector.broadcast(D, 2.0).sub(c))).sub(hi));
    LongVector yBits = yK.viewAsIntegralLanes();
    VectorMask<Long> normal = k.compare(VectorOperators.GE, -1021L);
    DoubleVector scaled = yBits.add(k.lanewise(VectorOperators.LSHL, 52)).viewAsFloatingLanes();
    DoubleVector subnormal =
        yBits
            .add(k.add(1000L).lanewise(VectorOperators.LSHL, 52))
            .viewAsFloatingLanes()
            .mul(TWO_M1000);
    DoubleVector y = subnormal.blend(scaled, normal.cast(D)).blend(yNoK, reduceD.not());
    return y.blend(DoubleVector.broadcast(D, 1.0).add(x), tiny.cast(D));
  }
}
