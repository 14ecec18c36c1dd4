package dev.trustdial.vm.memory;

/**
 * keccak256 of exactly 64 bytes (one Merkle node), one message at a time: the fallback for {@link
 * KeccakVector}, which hashes several nodes per call. A generic digest spends most of its time on
 * buffering and padding for such a fixed input, so this absorbs the 8 message lanes directly into
 * the Keccak-f[1600] state. Stateless. MemoryTreeTest checks it against core's Hashes.keccak256.
 */
final class Keccak {
  private Keccak() {}

  static final long[] RC = {
    0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
    0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
    0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
    0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
    0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
    0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L
  };

  /** out[outOff..+32) = keccak256(in[inOff..+64)). */
  static void hash64(byte[] in, int inOff, byte[] out, int outOff) {
    long[] msg = new long[8];
    for (int k = 0; k < 8; k++) {
      msg[k] = le64(in, inOff + 8 * k);
    }
    long[] h = new long[4];
    hashLanes(msg, 0, 1, h, 0, 1);
    for (int k = 0; k < 4; k++) {
      put64(out, outOff + 8 * k, h[k]);
    }
  }

  /**
   * keccak256 of one 64-byte message given as 8 little-endian lanes in[inOff + k*stride]; digest
   * lane j goes to out[outOff + j*outStride].
   */
  static void hashLanes(long[] in, int inOff, int stride, long[] out, int outOff, int outStride) {
    long a0 = in[inOff],
        a1 = in[inOff + stride],
        a2 = in[inOff + 2 * stride],
        a3 = in[inOff + 3 * stride];
    long a4 = in[inOff + 4 * stride],
        a5 = in[inOff + 5 * stride],
        a6 = in[inOff + 6 * stride],
        a7 = in[inOff + 7 * stride];
    long a8 = 0x01L; // keccak padding: 0x01 after the message ...
    long a9 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0;
    long a16 = 0x8000000000000000L; // ... and 0x80 in the last byte of the 136-byte rate
    long a17 = 0, a18 = 0, a19 = 0, a20 = 0, a21 = 0, a22 = 0, a23 = 0, a24 = 0;
    // Keccak-f[1600], unrolled by lane (theta, rho+pi into b, chi back into a, iota)
    for (int round = 0; round < 24; round++) {
      long c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
      long c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
      long c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
      long c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
      long c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
      long d0 = c4 ^ Long.rotateLeft(c1, 1);
      long d1 = c0 ^ Long.rotateLeft(c2, 1);
      long d2 = c1 ^ Long.rotateLeft(c3, 1);
      long d3 = c2 ^ Long.rotateLeft(c4, 1);
      long d4 = c3 ^ Long.rotateLeft(c0, 1);
      long b0 = (a0 ^ d0);
      long b10 = Long.rotateLeft(a1 ^ d1, 1);
      long b20 = Long.rotateLeft(a2 ^ d2, 62);
      long b5 = Long.rotateLeft(a3 ^ d3, 28);
      long b15 = Long.rotateLeft(a4 ^ d4, 27);
      long b16 = Long.rotateLeft(a5 ^ d0, 36);
      long b1 = Long.rotateLeft(a6 ^ d1, 44);
      long b11 = Long.rotateLeft(a7 ^ d2, 6);
      long b21 = Long.rotateLeft(a8 ^ d3, 55);
      long b6 = Long.rotateLeft(a9 ^ d4, 20);
      long b7 = Long.rotateLeft(a10 ^ d0, 3);
      long b17 = Long.rotateLeft(a11 ^ d1, 10);
      long b2 = Long.rotateLeft(a12 ^ d2, 43);
      long b12 = Long.rotateLeft(a13 ^ d3, 25);
      long b22 = Long.rotateLeft(a14 ^ d4, 39);
      long b23 = Long.rotateLeft(a15 ^ d0, 41);
      long b8 = Long.rotateLeft(a16 ^ d1, 45);
      long b18 = Long.rotateLeft(a17 ^ d2, 15);
      long b3 = Long.rotateLeft(a18 ^ d3, 21);
      long b13 = Long.rotateLeft(a19 ^ d4, 8);
      long b14 = Long.rotateLeft(a20 ^ d0, 18);
      long b24 = Long.rotateLeft(a21 ^ d1, 2);
      long b9 = Long.rotateLeft(a22 ^ d2, 61);
      long b19 = Long.rotateLeft(a23 ^ d3, 56);
      long b4 = Long.rotateLeft(a24 ^ d4, 14);
      a0 = b0 ^ (~b1 & b2);
      a1 = b1 ^ (~b2 & b3);
      a2 = b2 ^ (~b3 & b4);
      a3 = b3 ^ (~b4 & b0);
      a4 = b4 ^ (~b0 & b1);
      a5 = b5 ^ (~b6 & b7);
      a6 = b6 ^ (~b7 & b8);
      a7 = b7 ^ (~b8 & b9);
      a8 = b8 ^ (~b9 & b5);
      a9 = b9 ^ (~b5 & b6);
      a10 = b10 ^ (~b11 & b12);
      a11 = b11 ^ (~b12 & b13);
      a12 = b12 ^ (~b13 & b14);
      a13 = b13 ^ (~b14 & b10);
      a14 = b14 ^ (~b10 & b11);
      a15 = b15 ^ (~b16 & b17);
      a16 = b16 ^ (~b17 & b18);
      a17 = b17 ^ (~b18 & b19);
      a18 = b18 ^ (~b19 & b15);
      a19 = b19 ^ (~b15 & b16);
      a20 = b20 ^ (~b21 & b22);
      a21 = b21 ^ (~b22 & b23);
      a22 = b22 ^ (~b23 & b24);
      a23 = b23 ^ (~b24 & b20);
      a24 = b24 ^ (~b20 & b21);
      a0 ^= RC[round];
    }
    out[outOff] = a0;
    out[outOff + outStride] = a1;
    out[outOff + 2 * outStride] = a2;
    out[outOff + 3 * outStride] = a3;
  }

  static void put64(byte[] out, int off, long v) {
    for (int k = 0; k < 8; k++) {
      out[off + k] = (byte) (v >>> (8 * k));
    }
  }

  static long le64(byte[] b, int off) {
    long v = 0;
    for (int k = 7; k >= 0; k--) {
      v = (v << 8) | (b[off + k] & 0xffL);
    }
    return v;
  }
}
