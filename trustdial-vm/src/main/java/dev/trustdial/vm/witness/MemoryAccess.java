package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.memory.Memory;
import java.util.List;

/**
 * One 32-byte memory leaf a step touches: its index (byte address / 32), its value before the
 * access, and its 27 sibling hashes from the leaf level up, against the root current at that point
 * of the step (docs/spec/vm.md §9.1).
 */
public record MemoryAccess(int leafIndex, Bytes32 leaf, List<Bytes32> proof) {
  public MemoryAccess {
    if ((leafIndex >>> Memory.TREE_DEPTH) != 0) {
      throw new IllegalArgumentException("leaf index beyond 2^27");
    }
    if (proof.size() != Memory.TREE_DEPTH) {
      throw new IllegalArgumentException("a leaf proof has 27 siblings, got " + proof.size());
    }
    proof = List.copyOf(proof);
  }
}
