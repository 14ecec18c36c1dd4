package dev.trustdial.vm.memory;

import static jdk.incubator.vector.VectorOperators.AND_NOT;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * keccak256 of {@link #LANES} independent 64-byte messages at once, one message per SIMD lane (the
 * same Keccak-f[1600] steps as {@link Keccak}, rho/pi offsets included, applied lane-wise). Only
 * loaded when the JVM has the jdk.incubator.vector module; {@link NodeBatch} decides. Bitwise
 * operations only, so every lane equals the scalar result on any CPU and JIT tier.
 */
final class KeccakVector {
  private KeccakVector() {}

  static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();

  /**
   * in[k*LANES + m] is lane k (0..7) of message m; writes lane j (0..3) of message m's digest to
   * out[j*LANES + m].
   */
  static void hash(long[] in, long[] out) {
    LongVector a0 = LongVector.fromArray(SPECIES, in, 0);
    LongVector a1 = LongVector.fromArray(SPECIES, in, LANES);
    LongVector a2 = LongVector.fromArray(SPECIES, in, 2 * LANES);
    LongVector a3 = LongVector.fromArray(SPECIES, in, 3 * LANES);
    LongVector a4 = LongVector.fromArray(SPECIES, in, 4 * LANES);
    LongVector a5 = LongVector.fromArray(SPECIES, in, 5 * LANES);
    LongVector a6 = LongVector.fromArray(SPECIES, in, 6 * LANES);
    LongVector a7 = LongVector.fromArray(SPECIES, in, 7 * LANES);
    LongVector z = LongVector.zero(SPECIES);
    LongVector a8 = LongVector.broadcast(SPECIES, 0x01L); // padding, as in Keccak
    LongVector a9 = z, a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z;
    LongVector a16 = LongVector.broadcast(SPECIES, 0x8000000000000000L);
    LongVector a17 = z, a18 = z, a19 = z, a20 = z, a21 = z, a22 = z, a23 = z, a24 = z;
    for (int round = 0; round < 24; round++) {
      LongVector c0 = a0.lanewise(XOR, a5).lanewise(XOR, a10).lanewise(XOR, a15).lanewise(XOR, a20);
      LongVector c1 = a1.lanewise(XOR, a6).lanewise(XOR, a11).lanewise(XOR, a16).lanewise(XOR, a21);
      LongVector c2 = a2.lanewise(XOR, a7).lanewise(XOR, a12).lanewise(XOR, a17).lanewise(XOR, a22);
      LongVector c3 = a3.lanewise(XOR, a8).lanewise(XOR, a13).lanewise(XOR, a18).lanewise(XOR, a23);
      LongVector c4 = a4.lanewise(XOR, a9).lanewise(XOR, a14).lanewise(XOR, a19).lanewise(XOR, a24);
      LongVector d0 = c4.lanewise(XOR, c1.lanewise(ROL, 1));
      LongVector d1 = c0.lanewise(XOR, c2.lanewise(ROL, 1));
      LongVector d2 = c1.lanewise(XOR, c3.lanewise(ROL, 1));
      LongVector d3 = c2.lanewise(XOR, c4.lanewise(ROL, 1));
      LongVector d4 = c3.lanewise(XOR, c0.lanewise(ROL, 1));
      LongVector b0 = a0.lanewise(XOR, d0);
      LongVector b1 = a6.lanewise(XOR, d1).lanewise(ROL, 44);
      LongVector b2 = a12.lanewise(XOR, d2).lanewise(ROL, 43);
      LongVector b3 = a18.lanewise(XOR, d3).lanewise(ROL, 21);
      LongVector b4 = a24.lanewise(XOR, d4).lanewise(ROL, 14);
      LongVector b5 = a3.lanewise(XOR, d3).lanewise(ROL, 28);
      LongVector b6 = a9.lanewise(XOR, d4).lanewise(ROL, 20);
      LongVector b7 = a10.lanewise(XOR, d0).lanewise(ROL, 3);
      LongVector b8 = a16.lanewise(XOR, d1).lanewise(ROL, 45);
      LongVector b9 = a22.lanewise(XOR, d2).lanewise(ROL, 61);
      LongVector b10 = a1.lanewise(XOR, d1).lanewise(ROL, 1);
      LongVector b11 = a7.lanewise(XOR, d2).lanewise(ROL, 6);
      LongVector b12 = a13.lanewise(XOR, d3).lanewise(ROL, 25);
      LongVector b13 = a19.lanewise(XOR, d4).lanewise(ROL, 8);
      LongVector b14 = a20.lanewise(XOR, d0).lanewise(ROL, 18);
      LongVector b15 = a4.lanewise(XOR, d4).lanewise(ROL, 27);
      LongVector b16 = a5.lanewise(XOR, d0).lanewise(ROL, 36);
      LongVector b17 = a11.lanewise(XOR, d1).lanewise(ROL, 10);
      LongVector b18 = a17.lanewise(XOR, d2).lanewise(ROL, 15);
      LongVector b19 = a23.lanewise(XOR, d3).lanewise(ROL, 56);
      LongVector b20 = a2.lanewise(XOR, d2).lanewise(ROL, 62);
      LongVector b21 = a8.lanewise(XOR, d3).lanewise(ROL, 55);
      LongVector b22 = a14.lanewise(XOR, d4).lanewise(ROL, 39);
      LongVector b23 = a15.lanewise(XOR, d0).lanewise(ROL, 41);
      LongVector b24 = a21.lanewise(XOR, d1).lanewise(ROL, 2);
      a0 = b0.lanewise(XOR, b2.lanewise(AND_NOT, b1));
      a1 = b1.lanewise(XOR, b3.lanewise(AND_NOT, b2));
      a2 = b2.lanewise(XOR, b4.lanewise(AND_NOT, b3));
      a3 = b3.lanewise(XOR, b0.lanewise(AND_NOT, b4));
      a4 = b4.lanewise(XOR, b1.lanewise(AND_NOT, b0));
      a5 = b5.lanewise(XOR, b7.lanewise(AND_NOT, b6));
      a6 = b6.lanewise(XOR, b8.lanewise(AND_NOT, b7));
      a7 = b7.lanewise(XOR, b9.lanewise(AND_NOT, b8));
      a8 = b8.lanewise(XOR, b5.lanewise(AND_NOT, b9));
      a9 = b9.lanewise(XOR, b6.lanewise(AND_NOT, b5));
      a10 = b10.lanewise(XOR, b12.lanewise(AND_NOT, b11));
      a11 = b11.lanewise(XOR, b13.lanewise(AND_NOT, b12));
      a12 = b12.lanewise(XOR, b14.lanewise(AND_NOT, b13));
      a13 = b13.lanewise(XOR, b10.lanewise(AND_NOT, b14));
      a14 = b14.lanewise(XOR, b11.lanewise(AND_NOT, b10));
      a15 = b15.lanewise(XOR, b17.lanewise(AND_NOT, b16));
      a16 = b16.lanewise(XOR, b18.lanewise(AND_NOT, b17));
      a17 = b17.lanewise(XOR, b19.lanewise(AND_NOT, b18));
      a18 = b18.lanewise(XOR, b15.lanewise(AND_NOT, b19));
      a19 = b19.lanewise(XOR, b16.lanewise(AND_NOT, b15));
      a20 = b20.lanewise(XOR, b22.lanewise(AND_NOT, b21));
      a21 = b21.lanewise(XOR, b23.lanewise(AND_NOT, b22));
      a22 = b22.lanewise(XOR, b24.lanewise(AND_NOT, b23));
      a23 = b23.lanewise(XOR, b20.lanewise(AND_NOT, b24));
      a24 = b24.lanewise(XOR, b21.lanewise(AND_NOT, b20));
      a0 = a0.lanewise(XOR, Keccak.RC[round]);
    }
    a0.intoArray(out, 0);
    a1.intoArray(out, LANES);
    a2.intoArray(out, 2 * LANES);
    a3.intoArray(out, 3 * LANES);
  }
}
