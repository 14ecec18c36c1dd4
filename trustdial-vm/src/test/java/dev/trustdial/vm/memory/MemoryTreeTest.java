package dev.trustdial.vm.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MemoryTreeTest {
  @Property(tries = 200)
  void nodeHashEqualsCoreKeccak(@ForAll @Size(64) byte[] input) {
    byte[] out = new byte[32];
    Keccak.hash64(input, 0, out, 0);
    assertThat(out).isEqualTo(Hashes.keccak256(input).bytes());
  }

  @Test
  void testsRunWithTheVectorModule() {
    // surefire starts the JVM with --add-modules jdk.incubator.vector (pom), so the SIMD kernel is
    // tested
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
    Assumptions.assumeTrue(
        NodeBatch.SIMD, "this CPU has no 256-bit vectors: only the scalar kernel runs here");
    assertThat(NodeBatch.simd().lanes()).isGreaterThanOrEqualTo(4);
  }

  /** The kernels this JVM can run: the scalar one always, the SIMD one where the CPU allows. */
  static List<Supplier<NodeBatch>> kernels() {
    return NodeBatch.SIMD
        ? List.of(NodeBatch::scalar, NodeBatch::simd)
        : List.of(NodeBatch::scalar);
  }

  /**
   * Every lane of a (possibly partial) batch equals core keccak256, whatever the stale lanes hold.
   */
  @Property(tries = 100)
  void batchedNodeHashesEqualCoreKeccak(
      @ForAll @IntRange(min = 1, max = 40) int jobs, @ForAll long seed, @ForAll boolean simd) {
    Random rnd = new Random(seed);
    NodeBatch batch = kernels().get(simd ? kernels().size() - 1 : 0).get();
    List<byte[]> messages = new ArrayList<>();
    long[] out = new long[4 * jobs];
    for (int j = 0; j < jobs; j++) {
      byte[] msg = new byte[64];
      rnd.nextBytes(msg);
      messages.add(msg);
      if (rnd.nextBoolean()) {
        int[] words = new int[16];
        for (int w = 0; w < 16; w++) {
          words[w] =
              (msg[4 * w] & 0xff)
                  | (msg[4 * w + 1] & 0xff) << 8
                  | (msg[4 * w + 2] & 0xff) << 16
                  | msg[4 * w + 3] << 24;
        }
        batch.addWords(words, 0, out, 4 * j);
      } else {
        long[] l = new long[8];
        for (int k = 0; k < 8; k++) {
          l[k] = Keccak.le64(msg, 8 * k);
        }
        batch.addPair(l, 0, l, 4, out, 4 * j);
      }
    }
    batch.drain();
    for (int j = 0; j < jobs; j++) {
      byte[] got = new byte[32];
      for (int k = 0; k < 4; k++) {
        Keccak.put64(got, 8 * k, out[4 * j + k]);
      }
      assertThat(got)
          .as("job %d of %d", j, jobs)
          .isEqualTo(Hashes.keccak256(messages.get(j)).bytes());
    }
  }

  @Test
  void proofsVerifyWithCoreMerkleAfterRandomWrites() {
    Random rnd = new Random(5);
    Memory mem = new Memory();
    for (int round = 0; round < 5; round++) {
      for (int k = 0; k < 300; k++) {
        int addr = Memory.RAM_BASE + rnd.nextInt(1 << 20);
        mem.store(addr, 1 + rnd.nextInt(4) / 2 * 2, rnd.nextInt());
      }
      for (int k = 0; k < 20; k++) {
        int leaf = (Memory.RAM_BASE + rnd.nextInt(1 << 20)) >>> 5;
        assertThat(MerkleTree.rootFromProof(mem.leaf(leaf), leaf, mem.proof(leaf)))
            .isEqualTo(mem.root());
      }
    }
  }

  /**
   * The incremental root (dirty leaves only, across many flushes) equals a root computed from
   * scratch with core keccak over the sparse leaf set, after random writes of every width, dense
   * and sparse, with and without intermediate roots.
   */
  @Property(tries = 20)
  void incrementalRootEqualsFromScratchRoot(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int rounds,
      @ForAll @IntRange(min = 0, max = 2) int spreadLog,
      @ForAll boolean simd) {
    Random rnd = new Random(seed);
    Memory mem = new Memory(kernels().get(simd ? kernels().size() - 1 : 0));
    TreeMap<Integer, Byte> bytes = new TreeMap<>(); // the model: every byte ever written
    int span =
        1 << (14 + 3 * spreadLog); // 16 KiB .. 1 MiB: up to 256 dirty pages, the parallel flush
    int base = Memory.RAM_BASE + (rnd.nextInt(1 << 12) << 12);
    for (int round = 0; round < rounds; round++) {
      int writes = rnd.nextInt(4) == 0 ? 20_000 : rnd.nextInt(400); // some rounds dirty whole pages
      boolean dense = rnd.nextBoolean();
      int denseStart = base + rnd.nextInt(span);
      for (int k = 0; k < writes; k++) {
        int addr = dense ? denseStart + 4 * k % (1 << 16) : base + rnd.nextInt(span);
        int size = new int[] {1, 2, 4}[rnd.nextInt(3)];
        int value = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt();
        mem.store(addr, size, value);
        for (int b = 0; b < size; b++) {
          bytes.put(addr + b, (byte) (value >>> (8 * b)));
        }
      }
      if (rnd.nextBoolean() || round == rounds - 1) {
        assertThat(mem.root()).isEqualTo(referenceRoot(bytes));
      }
    }
  }

  /** A flush of 256+ dirty pages hashes them on several threads; its root equals small flushes'. */
  @Test
  void parallelFlushEqualsPageByPageFlushes() {
    Random rnd = new Random(11);
    Memory big = new Memory();
    Memory small = new Memory(NodeBatch::scalar);
    for (int page = 0; page < 700; page++) {
      for (int k = 0; k < 1 + rnd.nextInt(40); k++) {
        int addr = Memory.RAM_BASE + (page << 12) + 4 * rnd.nextInt(1024);
        int value = rnd.nextInt();
        big.store(addr, 4, value);
        small.store(addr, 4, value);
      }
      if (page % 50 == 0) {
        small.root();
      }
    }
    assertThat(big.root()).isEqualTo(small.root());
  }

  /**
   * Root of the depth-27 tree over 32-byte leaves, recomputed with core keccak from the byte model.
   */
  static Bytes32 referenceRoot(TreeMap<Integer, Byte> bytes) {
    TreeMap<Long, Bytes32> level = new TreeMap<>();
    TreeMap<Long, byte[]> leaves = new TreeMap<>();
    bytes.forEach((addr, b) ->
        leaves.computeIfAbsent(Integer.toUnsignedLong(addr) >>> 5, k -> new byte[32])[addr & 31] =
            b);
    leaves.forEach((i, leaf) -> level.put(i, new Bytes32(leaf)));
    Bytes32 zero = new Bytes32(new byte[32]);
    for (int height = 0; height < Memory.TREE_DEPTH; height++) {
      TreeMap<Long, Bytes32> up = new TreeMap<>();
      for (long i : level.keySet()) {
        long parent = i >>> 1;
        if (up.containsKey(parent)) {
          continue;
        }
        Bytes32 l = level.getOrDefault(2 * parent, zero);
        Bytes32 r = level.getOrDefault(2 * parent + 1, zero);
        up.put(parent, Hashes.keccak256(l.bytes(), r.bytes()));
      }
      zero = Hashes.keccak256(zero.bytes(), zero.bytes());
      level.clear();
      level.putAll(up);
    }
    return level.isEmpty() ? zero : level.get(0L);
  }
}
