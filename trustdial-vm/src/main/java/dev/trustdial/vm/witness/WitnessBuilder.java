package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.cpu.GuestIo;
import dev.trustdial.vm.cpu.Hart;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Proof mode: records the leaves the next step touches, with proofs, then executes the step with
 * the interpreter (docs/spec/vm.md §9). Which leaves a step touches follows from the pre-state
 * alone, so they are found before executing; a step that faults keeps only its fetch.
 */
public final class WitnessBuilder {
  private WitnessBuilder() {}

  public static Witness build(Hart hart, Supplier<VmState> state) {
    VmState pre = state.get();
    if (pre.terminal()) {
      byte[] enc = pre.encode();
      Bytes encoded = Bytes.of(enc);
      return new Witness(pre.step(), encoded, 0, List.of(), Optional.empty(), encoded, Bytes.EMPTY);
    }
    int pc = hart.pc;
    Memory mem = hart.mem;
    if ((pc & 3) != 0 || !Memory.inWindow(pc, 4, hart.ramEnd)) {
      hart.run(hart.step + 1); // faults with class 2 or 3 before any fetch
      VmState post = state.get();
      assert post.faulted();
      return new Witness(
          pre.step(),
          Bytes.of(pre.encode()),
          0,
          List.of(),
          Optional.empty(),
          Bytes.of(post.encode()),
          Bytes.EMPTY);
    }
    int word = mem.loadWordAligned(pc);
    List<Integer> dataLeaves = new ArrayList<>();
    Optional<InputProof> chunk = Optional.empty();
    int opcode = word & 0x7f;
    int f3 = (word >>> 12) & 7;
    int[] x = hart.x;
    boolean load = opcode == 0x03 && (f3 == 0 || f3 == 1 || f3 == 2 || f3 == 4 || f3 == 5);
    boolean store = opcode == 0x23 && f3 <= 2;
    if (load || store) {
      int imm = load ? word >> 20 : ((word >> 25) << 5) | ((word >>> 7) & 31);
      int size = 1 << (f3 & 3);
      int a = x[(word >>> 15) & 31] + imm;
      if (Memory.inWindow(a, size, hart.ramEnd)) {
        dataLeaves.add(a >>> 5);
        if (((a + size - 1) >>> 5) != (a >>> 5)) {
          dataLeaves.add((a + size - 1) >>> 5);
        }
      }
    } else if (word == 0x00000073) {
      int a0 = x[10];
      int buf = x[11];
      if (x[17] == GuestIo.SYS_READ && a0 == GuestIo.FD_INPUT) {
        int n = hart.readLength(buf, x[12]);
        if (n > 0 && Memory.inWindow(buf, n, hart.ramEnd)) {
          dataLeaves.add(buf >>> 5);
          chunk = Optional.of(hart.io.inputProof(n));
        }
      } else if (x[17] == GuestIo.SYS_WRITE && a0 == GuestIo.FD_OUTPUT) {
        int n = hart.writeLength(buf, x[12]);
        if (n > 0 && Memory.inWindow(buf, n, hart.ramEnd)) {
          dataLeaves.add(buf >>> 5); // an output-limit fault drops it again below
        }
      }
    }
    List<MemoryAccess> accesses = new ArrayList<>();
    accesses.add(new MemoryAccess(pc >>> 5, mem.leaf(pc >>> 5), mem.proof(pc >>> 5)));
    for (int leaf : dataLeaves) {
      accesses.add(new MemoryAccess(leaf, mem.leaf(leaf), mem.proof(leaf)));
    }
    hart.run(hart.step + 1);
    VmState post = state.get();
    List<Bytes32> after = new ArrayList<>();
    if (post.faulted()) {
      // a fault is known before any data leaf is read: the witness has the fetch only
      accesses = accesses.subList(0, 1);
      chunk = Optional.empty();
      after.add(accesses.getFirst().leaf());
    } else {
      if (accesses.size() == 3) {
        accesses.set(
            2,
            afterFirstWrite(
                accesses.get(1), mem.leaf(accesses.get(1).leafIndex()), accesses.get(2)));
      }
      after.add(accesses.getFirst().leaf());
      for (int i = 1; i < accesses.size(); i++) {
        after.add(mem.leaf(accesses.get(i).leafIndex()));
      }
    }
    byte[] proof = ProofEncoder.encode(accesses, after, chunk);
    return new Witness(
        pre.step(),
        Bytes.of(pre.encode()),
        word,
        accesses,
        chunk,
        Bytes.of(post.encode()),
        Bytes.of(proof));
  }

  /** The second leaf's proof against the root after the first leaf took its new value. */
  private static MemoryAccess afterFirstWrite(
      MemoryAccess first, Bytes32 firstAfter, MemoryAccess second) {
    Bytes32 node = firstAfter;
    int a = first.leafIndex();
    int b = second.leafIndex();
    List<Bytes32> proof = new ArrayList<>(second.proof());
    for (int level = 0; level < Memory.TREE_DEPTH; level++) {
      if (((b >>> level) ^ 1) == (a >>> level)) {
        proof.set(level, node);
      }
      Bytes32 sib = first.proof().get(level);
      node =
          ((a >>> level) & 1) == 0
              ? MerkleTree.hashPair(node, sib)
              : MerkleTree.hashPair(sib, node);
    }
    return new MemoryAccess(b, second.leaf(), proof);
  }
}
