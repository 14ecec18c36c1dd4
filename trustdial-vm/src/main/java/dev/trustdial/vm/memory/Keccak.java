package dev.trustdial.vm.memory;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * A reusable keccak256 for the memory tree's hot path: core's Hashes.keccak256 allocates a digest
 * and a Bytes32 per call, which dominates checkpoint time. Not thread-safe; one per tree.
 */
final class Keccak {
  private final KeccakDigest digest = new KeccakDigest(256);

  /** out[outOff..+32) = keccak256(in[inOff..+64)). */
  void hash64(byte[] in, int inOff, byte[] out, int outOff) {
    digest.update(in, inOff, 64);
    digest.doFinal(out, outOff);
  }

  /** keccak256(a || b) for two 32-byte values. */
  void hashPair(byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff) {
    digest.update(a, aOff, 32);
    digest.update(b, bOff, 32);
    digest.doFinal(out, outOff);
  }
}
