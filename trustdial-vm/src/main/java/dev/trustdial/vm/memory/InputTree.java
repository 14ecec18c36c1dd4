package dev.trustdial.vm.memory;

import dev.trustdial.core.bytes.Bytes32;
import java.util.List;

/**
 * The input commitment of docs/spec/vm.md §4.1: a depth-27 tree over 32-byte chunks with the same
 * rule, zero hashes and proof order as memory. It is a {@link Memory} holding the input from
 * address 0, so chunk c is memory leaf c and the memory tree code computes root and proofs.
 */
public final class InputTree {
  /**
   * Largest input the tree holds: the memory page table's 2^31 bytes (hosts set far lower limits).
   */
  public static final long MAX_INPUT_BYTES = Memory.MAX_RAM_END;

  private final Memory tree = new Memory();
  private final int length;

  public InputTree(byte[] input) {
    // No length check: a Java array (under 2^31 bytes) always fits MAX_INPUT_BYTES.
    this.length = input.length;
    byte[] page = new byte[Memory.PAGE_SIZE];
    for (int off = 0; off < input.length; off += Memory.PAGE_SIZE) {
      int n = Math.min(Memory.PAGE_SIZE, input.length - off);
      System.arraycopy(input, off, page, 0, n);
      java.util.Arrays.fill(page, n, Memory.PAGE_SIZE, (byte) 0);
      tree.writePage(off >>> Memory.PAGE_SHIFT, page, 0);
    }
  }

  /** inputRoot of these bytes (Z27 for the empty input). */
  public static Bytes32 root(byte[] input) {
    return new InputTree(input).root();
  }

  public Bytes32 root() {
    return tree.root();
  }

  public int length() {
    return length;
  }

  /** Chunk c, zero-padded past the input's end. */
  public Bytes32 chunk(int c) {
    checkChunk(c);
    return tree.leaf(c);
  }

  /** The 27 siblings of chunk c, leaf level first. */
  public List<Bytes32> proof(int c) {
    checkChunk(c);
    return tree.proof(c);
  }

  private void checkChunk(int c) {
    if (c < 0 || (long) c * 32 >= Math.max(length, 1)) {
      throw new IllegalArgumentException(
          "chunk " + c + " is outside the input of " + length + " bytes");
    }
  }
}
