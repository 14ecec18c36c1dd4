package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.BlobOpening;
import dev.trustdial.vm.memory.Memory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Writes the compressed proof bytes of docs/spec/vm.md §9.2: one record per memory access, the
 * input record last. A later memory record gives only the levels below the highest bit in which its
 * leaf index differs from the previous access's; the rest is that access's path after its write.
 * Every zero sibling it may omit is omitted (mask bit set), so the proof is the shortest.
 */
public final class ProofEncoder {
  private ProofEncoder() {}

  static final int DEPTH = Memory.TREE_DEPTH;
  private static final Bytes32[] ZERO = new Bytes32[DEPTH];

  static {
    for (int l = 0; l < DEPTH; l++) {
      ZERO[l] = new Bytes32(Memory.zeroHash(l));
    }
  }

  /**
   * @param accesses the step's memory accesses in order, each proof against the root current then
   * @param after each access's leaf value after its write (its value before, for a read)
   */
  public static byte[] encode(
      List<MemoryAccess> accesses, List<Bytes32> after, Optional<? extends InputProof> input) {
    if (after.size() != accesses.size()) {
      throw new IllegalArgumentException("one after-value per access");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < accesses.size(); i++) {
      MemoryAccess a = accesses.get(i);
      int k = DEPTH;
      if (i > 0) {
        MemoryAccess prev = accesses.get(i - 1);
        k = sharedFrom(a.leafIndex(), prev.leafIndex());
        checkShared(a, k, prev, after.get(i - 1));
      }
      record(out, a.leaf(), a.proof(), k);
    }
    input.ifPresent(in -> {
      switch (in) {
        case InputChunkProof c -> record(out, c.chunk(), c.proof(), DEPTH);
        case BlobInputProof b -> blobRecord(out, b);
      }
    });
    return out.toByteArray();
  }

  /** k of §9.2: 0 for the same leaf, else the highest bit position in which the indices differ. */
  static int sharedFrom(int a, int p) {
    return a == p ? 0 : 31 - Integer.numberOfLeadingZeros(a ^ p);
  }

  /**
   * The siblings a record leaves out (levels >= k) must be the previous access's path after its
   * write.
   */
  private static void checkShared(MemoryAccess a, int k, MemoryAccess prev, Bytes32 prevAfter) {
    Bytes32 node = prevAfter;
    int p = prev.leafIndex();
    for (int l = 0; l < DEPTH; l++) {
      Bytes32 implied = l == k && a.leafIndex() != p ? node : prev.proof().get(l);
      if (l >= k && !implied.equals(a.proof().get(l))) {
        throw new IllegalStateException(
            "access to leaf 0x"
                + Integer.toHexString(a.leafIndex())
                + " does not share level "
                + l
                + " with the previous access's path");
      }
      Bytes32 sib = prev.proof().get(l);
      node = ((p >>> l) & 1) == 0 ? MerkleTree.hashPair(node, sib) : MerkleTree.hashPair(sib, node);
    }
  }

  /**
   * The blob input record of §9.2: y_0, the mask 0x80000000, k, the versioned hashes, then the
   * openings.
   */
  private static void blobRecord(ByteArrayOutputStream out, BlobInputProof b) {
    for (int i = 0; i < b.openings().size(); i++) {
      BlobOpening o = b.openings().get(i);
      out.writeBytes(o.y().bytes());
      if (i == 0) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(BlobInput.RECORD_MASK).array());
        out.write(b.versionedHashes().size());
        b.versionedHashes().forEach(h -> out.writeBytes(h.bytes()));
      }
      out.writeBytes(o.commitment());
      out.writeBytes(o.proof());
    }
  }

  private static void record(
      ByteArrayOutputStream out, Bytes32 leaf, List<Bytes32> siblings, int k) {
    out.writeBytes(leaf.bytes());
    int mask = 0;
    for (int l = 0; l < k; l++) {
      if (siblings.get(l).equals(ZERO[l])) {
        mask |= 1 << l;
      }
    }
    out.writeBytes(ByteBuffer.allocate(4).putInt(mask).array());
    for (int l = 0; l < k; l++) {
      if ((mask & (1 << l)) == 0) {
        out.writeBytes(siblings.get(l).bytes());
      }
    }
  }
}
