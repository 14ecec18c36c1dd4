package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.cpu.GuestIo;
import dev.trustdial.vm.cpu.Hart;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Proof mode: records the leaves the next step touches, with proofs, then executes the step with
 * the interpreter. Which leaves a step touches follows from the pre-state alone (spec "Step
 * witness"), so they are found before executing.
 */
public final class WitnessBuilder {
  private WitnessBuilder() {}

  public static Witness build(Hart hart, Supplier<VmState> state) {
    VmState pre = state.get();
    int pc = hart.pc;
    Memory mem = hart.mem;
    boolean fetchable = (pc & 3) == 0 && Memory.inRam(pc);
    int word = fetchable ? mem.loadWordAligned(pc) : 0;
    List<Integer> dataLeaves = new ArrayList<>();
    byte[] inputChunk = new byte[0];
    int opcode = word & 0x7f;
    int rs1 = (word >>> 15) & 31;
    int f3 = (word >>> 12) & 7;
    int[] x = hart.x;
    if (opcode == 0x03 || opcode == 0x23) {
      int imm = opcode == 0x03 ? word >> 20 : ((word >> 25) << 5) | ((word >>> 7) & 31);
      int size = 1 << (f3 & 3);
      int a = x[rs1] + imm;
      dataLeaves.add(a >>> 5);
      if (((a + size - 1) >>> 5) != (a >>> 5)) {
        dataLeaves.add((a + size - 1) >>> 5);
      }
    } else if (word == 0x00000073) {
      int a0 = x[10];
      int buf = x[11];
      int n = Hart.chunkLength(buf, x[12]);
      if (x[17] == GuestIo.SYS_READ && a0 == GuestIo.FD_INPUT) {
        n = Math.min(n, hart.io.inputLength() - hart.io.inputCursor());
        if (n > 0) {
          dataLeaves.add(buf >>> 5);
          byte[] in = hart.io.input();
          inputChunk = Arrays.copyOfRange(in, hart.io.inputCursor(), hart.io.inputCursor() + n);
        }
      } else if (x[17] == GuestIo.SYS_WRITE && a0 == GuestIo.FD_OUTPUT && n > 0) {
        dataLeaves.add(buf >>> 5);
      }
    }
    List<MemoryAccess> accesses = new ArrayList<>();
    accesses.add(new MemoryAccess(pc >>> 5, mem.leaf(pc >>> 5), mem.proof(pc >>> 5)));
    for (int leaf : dataLeaves) {
      accesses.add(new MemoryAccess(leaf, mem.leaf(leaf), mem.proof(leaf)));
    }
    hart.run(hart.step + 1); // faults propagate: a faulting step has no witness
    if (accesses.size() == 3) {
      accesses.set(2, afterFirstWrite(accesses.get(1), mem.leaf(accesses.get(1).leafIndex()), accesses.get(2)));
    }
    return new Witness(pre.step(), pre.encode(), word, accesses, inputChunk, state.get().hash());
  }

  /** The second leaf's proof against the root after the first leaf took its new value. */
  private static MemoryAccess afterFirstWrite(MemoryAccess first, Bytes32 firstAfter, MemoryAccess second) {
    Bytes32 node = firstAfter;
    int a = first.leafIndex();
    int b = second.leafIndex();
    List<Bytes32> proof = new ArrayList<>(second.proof());
    for (int level = 0; level < Memory.TREE_DEPTH; level++) {
      if (((b >>> level) ^ 1) == (a >>> level)) {
        proof.set(level, node);
      }
      Bytes32 sib = first.proof().get(level);
      node = ((a >>> level) & 1) == 0 ? MerkleTree.hashPair(node, sib) : MerkleTree.hashPair(sib, node);
    }
    return new MemoryAccess(b, second.leaf(), proof);
  }
}
