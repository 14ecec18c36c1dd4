package dev.trustdial.core.merkle;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary keccak256 Merkle tree over 32-byte leaves, padded with zero leaves to a power of two.
 * Parent = keccak256(left || right). A single leaf is its own root; no leaves give the zero root.
 * The same rule is implemented in Solidity (contracts/src/lib/MerkleProofs.sol when it exists).
 */
public final class MerkleTree {
  private final List<Bytes32[]> levels = new ArrayList<>();

  public MerkleTree(List<Bytes32> leaves) {
    int n = 1;
    while (n < leaves.size()) {
      n <<= 1;
    }
    Bytes32[] level = new Bytes32[Math.max(n, 1)];
    for (int i = 0; i < level.length; i++) {
      level[i] = i < leaves.size() ? leaves.get(i) : Bytes32.ZERO;
    }
    levels.add(level);
    while (level.length > 1) {
      Bytes32[] up = new Bytes32[level.length / 2];
      for (int i = 0; i < up.length; i++) {
        up[i] = hashPair(level[2 * i], level[2 * i + 1]);
      }
      levels.add(up);
      level = up;
    }
  }

  public static Bytes32 hashPair(Bytes32 left, Bytes32 right) {
    return Hashes.keccak256(left.bytes(), right.bytes());
  }

  public Bytes32 root() {
    return levels.getLast()[0];
  }

  public int leafCount() {
    return levels.getFirst().length;
  }

  /** Sibling hashes from the leaf level upwards. */
  public List<Bytes32> proof(int index) {
    if (index < 0 || index >= leafCount()) {
      throw new IndexOutOfBoundsException("leaf " + index + " of " + leafCount());
    }
    List<Bytes32> proof = new ArrayList<>();
    int i = index;
    for (int l = 0; l < levels.size() - 1; l++) {
      proof.add(levels.get(l)[i ^ 1]);
      i >>= 1;
    }
    return proof;
  }

  public static Bytes32 rootFromProof(Bytes32 leaf, int index, List<Bytes32> proof) {
    Bytes32 h = leaf;
    int i = index;
    for (Bytes32 sibling : proof) {
      h = (i & 1) == 0 ? hashPair(h, sibling) : hashPair(sibling, h);
      i >>= 1;
    }
    return h;
  }

  public static Bytes32 root(List<Bytes32> leaves) {
    return new MerkleTree(leaves).root();
  }
}
