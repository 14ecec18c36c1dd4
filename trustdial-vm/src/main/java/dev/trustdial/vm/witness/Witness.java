package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.state.VmState;
import java.util.List;

/**
 * Everything needed to check one step without the program or the rest of memory: the pre-state
 * encoding, the instruction word, proofs for every leaf read or written (instruction leaf first),
 * the input bytes a read ecall delivers (empty otherwise) and the post-state hash.
 */
public record Witness(long step, byte[] preState, int instruction, List<MemoryAccess> accesses, byte[] inputChunk, Bytes32 postStateHash) {
  public Witness {
    if (preState.length != VmState.ENCODED_SIZE) {
      throw new IllegalArgumentException("pre-state must be " + VmState.ENCODED_SIZE + " bytes");
    }
    if (accesses.isEmpty() || accesses.size() > 3) {
      throw new IllegalArgumentException("a step touches 1..3 leaves, got " + accesses.size());
    }
    if (inputChunk.length > 32) {
      throw new IllegalArgumentException("an input chunk is at most 32 bytes");
    }
    preState = preState.clone();
    accesses = List.copyOf(accesses);
    inputChunk = inputChunk.clone();
  }

  @Override
  public byte[] preState() {
    return preState.clone();
  }

  @Override
  public byte[] inputChunk() {
    return inputChunk.clone();
  }

  public Bytes32 preStateHash() {
    return VmState.decode(preState).hash();
  }

  /** The JSON form printed by {@code trustdial vm witness} (field order fixed, hex with 0x). */
  public String toJson() {
    StringBuilder s = new StringBuilder();
    s.append("{\n  \"step\": ").append(step)
        .append(",\n  \"preStateHash\": \"").append(preStateHash().toHex())
        .append("\",\n  \"preState\": \"").append(Hex.encode(preState))
        .append("\",\n  \"instruction\": \"0x").append(String.format("%08x", instruction))
        .append("\",\n  \"accesses\": [");
    for (int i = 0; i < accesses.size(); i++) {
      MemoryAccess a = accesses.get(i);
      s.append(i == 0 ? "\n" : ",\n").append("    {\"leafIndex\": ").append(Integer.toUnsignedString(a.leafIndex()))
          .append(", \"address\": \"0x").append(String.format("%08x", a.leafIndex() << 5))
          .append("\", \"leaf\": \"").append(a.leaf().toHex()).append("\", \"proof\": [");
      for (int j = 0; j < a.proof().size(); j++) {
        s.append(j == 0 ? "" : ", ").append("\"").append(a.proof().get(j).toHex()).append('"');
      }
      s.append("]}");
    }
    s.append("\n  ],\n  \"inputChunk\": \"").append(Hex.encode(inputChunk))
        .append("\",\n  \"postStateHash\": \"").append(postStateHash.toHex()).append("\"\n}");
    return s.toString();
  }
}
