package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete binary tree over 2^h leaf hashes, parent = keccak256(left || right) (core's MerkleTree
 * rule), held as one byte array per level. Addressed by (height, index): height 0 are the leaves,
 * height h the root.
 */
public final class HashTree {
  /** The children of a node. */
  public record Children(Bytes32 left, Bytes32 right) {
    public Bytes32 parent() {
      return Hashes.keccak256(left.bytes(), right.bytes());
    }
  }

  private final byte[][] levels;

  /**
   * @param leaves 2^h concatenated 32-byte leaf hashes (copied)
   */
  public HashTree(byte[] leaves) {
    int n = leaves.length / 32;
    if (leaves.length % 32 != 0 || n == 0 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException(
          "a hash tree needs 2^h leaves of 32 bytes, got " + leaves.length + " bytes");
    }
    int h = Integer.numberOfTrailingZeros(n);
    levels = new byte[h + 1][];
    levels[0] = leaves.clone();
    for (int k = 1; k <= h; k++) {
      byte[] below = levels[k - 1];
      byte[] level = new byte[below.length / 2];
      byte[] pair = new byte[64];
      for (int i = 0; i < level.length / 32; i++) {
        System.arraycopy(below, 64 * i, pair, 0, 64);
        System.arraycopy(Hashes.keccak256(pair).bytes(), 0, level, 32 * i, 32);
      }
      levels[k] = level;
    }
  }

  public int height() {
    return levels.length - 1;
  }

  public Bytes32 root() {
    return node(height(), 0);
  }

  /** The node at {@code height} (0: a leaf) and {@code index} within that level. */
  public Bytes32 node(int height, long index) {
    checkNode(height, index);
    byte[] x = new byte[32];
    System.arraycopy(levels[height], 32 * (int) index, x, 0, 32);
    return new Bytes32(x);
  }

  /** The two children of a node above the leaves. */
  public Children children(int height, long index) {
    checkNode(height, index);
    if (height == 0) {
      throw new InvalidInputException("a leaf (height 0, index " + index + ") has no children");
    }
    return new Children(node(height - 1, 2 * index), node(height - 1, 2 * index + 1));
  }

  /**
   * The rightmost-leaf proof of the subtree rooted at (height, index): its {@code height} left
   * siblings from the leaf level up (objective.md §2); {@link #climbRight} of its rightmost leaf
   * with them gives the subtree's root.
   */
  public List<Bytes32> rightmostProof(int height, long index) {
    checkNode(height, index);
    List<Bytes32> proof = new ArrayList<>(height);
    for (int k = 0; k < height; k++) {
      proof.add(node(k, ((index + 1) << (height - k)) - 2));
    }
    return List.copyOf(proof);
  }

  /**
   * node = leaf; for each left sibling: node = keccak256(sibling || node)
   * (ObjectiveCourt.climbRight).
   */
  public static Bytes32 climbRight(Bytes32 leaf, List<Bytes32> leftSiblings) {
    Bytes32 node = leaf;
    for (Bytes32 sibling : leftSiblings) {
      node = Hashes.keccak256(sibling.bytes(), node.bytes());
    }
    return node;
  }

  private void checkNode(int height, long index) {
    if (height < 0 || height > height()) {
      throw new InvalidInputException("height " + height + " is outside the tree's 0.." + height());
    }
    if (index < 0 || index >= (levels[height].length / 32)) {
      throw new InvalidInputException(
          "index "
              + index
              + " is outside the "
              + (levels[height].length / 32)
              + " nodes at height "
              + height);
    }
  }
}
