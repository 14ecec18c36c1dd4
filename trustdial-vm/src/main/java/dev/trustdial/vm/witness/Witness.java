package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.state.VmState;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to check one step without the program, the rest of memory or the input
 * (docs/spec/vm.md §9): the pre-state encoding, the instruction word (when the step fetches one),
 * the leaves the step touches with their proofs (fetch first), the input chunk a read_input reads,
 * the post-state, and {@link #proof()}: the same leaves and chunk as the compressed proof bytes of
 * §9.2, which is what the onchain step (and {@link WitnessChecker}) reads.
 */
public record Witness(
    long step,
    Bytes preState,
    int instruction,
    List<MemoryAccess> accesses,
    Optional<InputProof> inputChunk,
    Bytes postState,
    Bytes proof) {
  public Witness {
    if (preState.length() != VmState.ENCODED_SIZE || postState.length() != VmState.ENCODED_SIZE) {
      throw new IllegalArgumentException(
          "pre- and post-state must be " + VmState.ENCODED_SIZE + " bytes");
    }
    if (accesses.size() > 3) {
      throw new IllegalArgumentException("a step touches at most 3 leaves, got " + accesses.size());
    }
    accesses = List.copyOf(accesses);
  }

  public Bytes32 preStateHash() {
    return Hashes.keccak256(preState.toArray());
  }

  public Bytes32 postStateHash() {
    return Hashes.keccak256(postState.toArray());
  }

  /** The post-state's status: 0 running, 1 exited, 2 faulted. */
  public int status() {
    return VmState.decode(postState.toArray()).status();
  }

  /** Whether the step fetched an instruction (it does unless it ends at rule 1-3 of §6). */
  public boolean fetched() {
    return !accesses.isEmpty();
  }

  /** The JSON form printed by {@code trustdial vm witness} (field order fixed, hex with 0x). */
  public String toJson() {
    StringBuilder s = new StringBuilder();
    s.append("{\n  \"step\": ")
        .append(step)
        .append(",\n  \"preStateHash\": \"")
        .append(preStateHash().toHex())
        .append("\",\n  \"preState\": \"")
        .append(preState.toHex())
        .append("\",\n  \"instruction\": ")
        .append(fetched() ? String.format("\"0x%08x\"", instruction) : "null")
        .append(",\n  \"accesses\": [");
    for (int i = 0; i < accesses.size(); i++) {
      MemoryAccess a = accesses.get(i);
      s.append(i == 0 ? "\n" : ",\n")
          .append("    {\"leafIndex\": ")
          .append(Integer.toUnsignedString(a.leafIndex()))
          .append(", \"address\": \"0x")
          .append(String.format("%08x", a.leafIndex() << 5))
          .append("\", \"leaf\": \"")
          .append(a.leaf().toHex())
          .append("\", \"siblings\": ");
      siblings(s, a.proof());
      s.append("}");
    }
    s.append(accesses.isEmpty() ? "],\n" : "\n  ],\n");
    s.append("  \"inputChunk\": ");
    if (inputChunk.isPresent()) {
      switch (inputChunk.get()) {
        case InputChunkProof c -> {
          s.append("{\"chunkIndex\": ")
              .append(c.chunkIndex())
              .append(", \"chunk\": \"")
              .append(c.chunk().toHex())
              .append("\", \"siblings\": ");
          siblings(s, c.proof());
          s.append("}");
        }
        case BlobInputProof b -> {
          s.append("{\"chunkIndex\": ").append(b.chunkIndex()).append(", \"versionedHashes\": ");
          siblings(s, b.versionedHashes());
          s.append(", \"firstElement\": ").append(b.firstElement()).append(", \"openings\": [");
          for (int i = 0; i < b.openings().size(); i++) {
            var o = b.openings().get(i);
            s.append(i == 0 ? "" : ", ")
                .append("{\"y\": \"")
                .append(o.y().toHex())
                .append("\", \"commitment\": \"")
                .append(Hex.encode(o.commitment()))
                .append("\", \"proof\": \"")
                .append(Hex.encode(o.proof()))
                .append("\"}");
          }
          s.append("]}");
        }
      }
    } else {
      s.append("null");
    }
    s.append(",\n  \"postState\": \"")
        .append(postState.toHex())
        .append("\",\n  \"postStateHash\": \"")
        .append(postStateHash().toHex())
        .append("\",\n  \"status\": ")
        .append(status())
        .append(",\n  \"proof\": \"")
        .append(proof.toHex())
        .append("\"\n}");
    return s.toString();
  }

  private static void siblings(StringBuilder s, List<Bytes32> proof) {
    s.append('[');
    for (int j = 0; j < proof.size(); j++) {
      s.append(j == 0 ? "" : ", ").append('"').append(proof.get(j).toHex()).append('"');
    }
    s.append(']');
  }
}
