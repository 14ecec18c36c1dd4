package dev.trustdial.vm.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MemoryTreeTest {
  @Property(tries = 200)
  void nodeHashEqualsCoreKeccak(@ForAll @Size(64) byte[] input) {
    byte[] out = new byte[32];
    Keccak.hash64(input, 0, out, 0);
    assertThat(out).isEqualTo(Hashes.keccak256(input).bytes());
  }

  @Test
  void proofsVerifyWithCoreMerkleAfterRandomWrites() {
    Random rnd = new Random(5);
    Memory mem = new Memory(1000, i -> { throw new IllegalStateException(); });
    for (int round = 0; round < 5; round++) {
      for (int k = 0; k < 300; k++) {
        int addr = Memory.RAM_BASE + rnd.nextInt(1 << 20);
        mem.store(addr, 1 + rnd.nextInt(4) / 2 * 2, rnd.nextInt());
      }
      for (int k = 0; k < 20; k++) {
        int leaf = (Memory.RAM_BASE + rnd.nextInt(1 << 20)) >>> 5;
        assertThat(MerkleTree.rootFromProof(mem.leaf(leaf), leaf, mem.proof(leaf))).isEqualTo(mem.root());
      }
    }
  }
}
