package dev.trustdial.vm;

import static dev.trustdial.vm.testing.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.testing.TestElf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VmBasicsTest {
  static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  /** li a0, 42; li a7, 93; ecall: the spec's vector program. */
  static byte[] exit42() {
    return TestElf.build(concat(li(10, 42), li(17, 93), new int[] {ECALL}), 0);
  }

  static final VmConfig CFG = VmConfig.defaults();

  // Vectors published in docs/spec/vm.md; the test also checks the spec text carries them.
  static final String EMPTY_MEMORY_ROOT = "0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e";
  static final String EXIT42_INITIAL_STATE_HASH = "0x7e72e088751137de366a5afda41e6c1377a9c152419897bfcddfd2d54f628bd8";
  static final String EXIT42_FINAL_STATE_HASH = "0x278ee29928c571e7f210cd29d596e639d8c614a39a365c32a925bfde9269b4e6";
  static final String EXIT42_FINAL_SNAPSHOT_KECCAK = "0x85c9dd038f6b3293432fafa97631abad397470e370d1072c247faf12d0fe0285";

  @Test
  void exitProgramRunsAndMatchesSpecVectors() throws Exception {
    Machine m = Vm.load(exit42(), new byte[0], CFG);
    Bytes32 initial = m.stateHash();
    RunResult r = m.run(1000, CheckpointSink.NONE);
    assertThat(r.exitCode()).isEqualTo(42);
    assertThat(r.steps()).isEqualTo(5);
    assertThat(r.output()).isEmpty();
    assertThat(r.checkpoints()).hasSize(2);
    Bytes32 z = Bytes32.ZERO;
    for (int level = 0; level < 27; level++) {
      z = Hashes.keccak256(z.bytes(), z.bytes());
    }
    assertThat(z.toHex()).isEqualTo(EMPTY_MEMORY_ROOT);
    assertThat(new Memory(1, i -> { throw new IllegalStateException(); }).root().toHex()).isEqualTo(EMPTY_MEMORY_ROOT);
    assertThat(initial.toHex()).isEqualTo(EXIT42_INITIAL_STATE_HASH);
    assertThat(r.finalStateHash().toHex()).isEqualTo(EXIT42_FINAL_STATE_HASH);
    assertThat(Hashes.keccak256(m.snapshot()).toHex()).isEqualTo(EXIT42_FINAL_SNAPSHOT_KECCAK);
    String spec = Files.readString(Path.of("..", "docs", "spec", "vm.md"), StandardCharsets.UTF_8);
    assertThat(spec).contains(EMPTY_MEMORY_ROOT, EXIT42_INITIAL_STATE_HASH, EXIT42_FINAL_STATE_HASH, EXIT42_FINAL_SNAPSHOT_KECCAK);
  }

  @Test
  void stateEncodingRoundTripsAndHasFixedLayout() {
    Machine m = Vm.load(exit42(), "abc".getBytes(StandardCharsets.UTF_8), CFG);
    VmState s = m.state();
    byte[] enc = s.encode();
    assertThat(enc).hasSize(256);
    assertThat(VmState.decode(enc)).isEqualTo(s);
    assertThat(enc[VmState.OFF_PC + 1]).isEqualTo((byte) 0x01); // pc 0x00010000 big-endian
    assertThat(java.util.Arrays.copyOfRange(enc, VmState.OFF_INPUT_DIGEST, VmState.OFF_INPUT_DIGEST + 32))
        .isEqualTo(Hashes.keccak256("abc".getBytes(StandardCharsets.UTF_8)).bytes());
    assertThat(enc[VmState.OFF_INPUT_LENGTH + 3]).isEqualTo((byte) 3);
    enc[VmState.OFF_EXITED + 3] = 2;
    assertThatThrownBy(() -> VmState.decode(enc)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void memoryRootMatchesANaiveTreeAfterScatteredWrites() {
    Memory mem = new Memory(100, i -> { throw new IllegalStateException(); });
    int[] addrs = {0x10000, 0x10004, 0x10fff, 0x11020, 0x7ffff000, 0x23456788};
    for (int a : addrs) {
      mem.store(a, 4, a * 31 + 7);
    }
    mem.root();
    mem.storeByte(0x10001, 0x99); // dirty a cached page again
    assertThat(mem.root()).isEqualTo(naiveRoot(mem, addrs));
    for (int a : addrs) {
      int leaf = a >>> 5;
      assertThat(dev.trustdial.core.merkle.MerkleTree.rootFromProof(mem.leaf(leaf), leaf, mem.proof(leaf))).isEqualTo(mem.root());
    }
  }

  /** Recomputes the depth-27 root from scratch: only subtrees over written leaves differ from zero. */
  static Bytes32 naiveRoot(Memory mem, int[] addrs) {
    java.util.TreeMap<Long, Bytes32> level = new java.util.TreeMap<>();
    for (int a : addrs) {
      for (int d = -1; d <= 4; d += 5) {
        int leaf = (a + (d < 0 ? 0 : 3)) >>> 5;
        level.put((long) leaf, mem.leaf(leaf));
      }
    }
    level.put((long) (0x10001 >>> 5), mem.leaf(0x10001 >>> 5));
    Bytes32 zero = Bytes32.ZERO;
    for (int depth = 0; depth < 27; depth++) {
      java.util.TreeMap<Long, Bytes32> up = new java.util.TreeMap<>();
      for (long idx : level.keySet()) {
        long p = idx >>> 1;
        if (up.containsKey(p)) {
          continue;
        }
        Bytes32 l = level.getOrDefault(2 * p, zero);
        Bytes32 r = level.getOrDefault(2 * p + 1, zero);
        up.put(p, Hashes.keccak256(l.bytes(), r.bytes()));
      }
      zero = Hashes.keccak256(zero.bytes(), zero.bytes());
      level = up;
    }
    return level.get(0L);
  }

  @Test
  void unknownEcallFaultsWithAReasonAndKeepsThePreState() {
    byte[] elf = TestElf.build(concat(li(17, 1234), new int[] {ECALL}), 0);
    Machine m = Vm.load(elf, new byte[0], CFG);
    assertThatThrownBy(() -> m.run(100, CheckpointSink.NONE)).isInstanceOf(GuestFault.class)
        .hasMessageContaining("unknown ecall a7=1234").hasMessageContaining("step 2");
    assertThat(m.step()).isEqualTo(2);
  }

  @Test
  void outOfRangeAccessFaults() {
    byte[] elf = TestElf.build(new int[] {lw(5, 0, 16)}, 0);
    assertThatThrownBy(() -> Vm.load(elf, new byte[0], CFG).run(100, CheckpointSink.NONE))
        .isInstanceOf(GuestFault.class).hasMessageContaining("out-of-range load");
    byte[] high = TestElf.build(concat(li(6, 0x80000000), new int[] {sw(5, 6, 0)}), 0);
    assertThatThrownBy(() -> Vm.load(high, new byte[0], CFG).run(100, CheckpointSink.NONE))
        .isInstanceOf(GuestFault.class).hasMessageContaining("out-of-range store");
  }

  @Test
  void illegalInstructionAndStepLimit() {
    byte[] elf = TestElf.build(new int[] {0xffffffff}, 0);
    assertThatThrownBy(() -> Vm.load(elf, new byte[0], CFG).run(100, CheckpointSink.NONE))
        .isInstanceOf(GuestFault.class).hasMessageContaining("illegal instruction 0xffffffff");
    byte[] loop = TestElf.build(new int[] {jal(0, 0)}, 0);
    Machine m = Vm.load(loop, new byte[0], CFG);
    assertThatThrownBy(() -> m.run(1000, CheckpointSink.NONE)).isInstanceOf(StepLimitExceededException.class)
        .hasMessageContaining("step limit of 1000");
    assertThat(m.step()).isEqualTo(1000);
  }

  @Test
  void selfModifyingCodeSeesTheNewInstruction() {
    // overwrite the instruction at +16 (addi a0,x0,1) with addi a0,x0,9, then run it
    int patched = addi(10, 0, 9);
    int[] code = concat(li(5, patched), li(6, TestElf.BASE + 24), new int[] {sw(5, 6, 0), addi(17, 0, 93), addi(10, 0, 1), ECALL});
    RunResult r = Vm.load(TestElf.build(code, 0), new byte[0], CFG).run(100, CheckpointSink.NONE);
    assertThat(r.exitCode()).isEqualTo(9);
  }

  @Test
  void badElvesAreRefusedWithReasons() {
    assertThatThrownBy(() -> Vm.load(new byte[10], new byte[0], CFG)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not an ELF");
    byte[] rvc = exit42();
    rvc[36] = 1;
    assertThatThrownBy(() -> Vm.load(rvc, new byte[0], CFG)).hasMessageContaining("compressed");
    byte[] cls64 = exit42();
    cls64[4] = 2;
    assertThatThrownBy(() -> Vm.load(cls64, new byte[0], CFG)).hasMessageContaining("not 32-bit");
    byte[] lowSeg = exit42();
    java.nio.ByteBuffer.wrap(lowSeg).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(52 + 8, 0x1000);
    assertThatThrownBy(() -> Vm.load(lowSeg, new byte[0], CFG)).hasMessageContaining("outside guest RAM");
    byte[] huge = exit42();
    java.nio.ByteBuffer.wrap(huge).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(52 + 20, 0x7000_0000);
    assertThatThrownBy(() -> Vm.load(huge, new byte[0], CFG)).hasMessageContaining("guest memory limit");
    byte[] entry = exit42();
    java.nio.ByteBuffer.wrap(entry).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 0x20000);
    assertThatThrownBy(() -> Vm.load(entry, new byte[0], CFG)).hasMessageContaining("entry point");
  }
}
