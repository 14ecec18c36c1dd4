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
import dev.trustdial.vm.witness.Witness;
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

  // Vectors published in docs/spec/vm.md §10; the test also checks the spec text carries them.
  static final String EMPTY_MEMORY_ROOT =
      "0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e";
  static final String EXIT42_INITIAL_STATE_HASH =
      "0x15390fde0679f554ed8d26d29164cffd1f1de7bbd56d69bb41c556e8ff19b014";
  static final String EXIT42_FINAL_STATE_HASH =
      "0x221505b6869e326d0027a3a2c99b2ff884dd008bb256c1f377fa6fb4976e6d8a";
  static final String EMPTY_OUTPUT_DIGEST =
      "0x5706de766d5661c754fb7b4c89db363309a9f89fa2945c9d8c7a303b79943963";
  static final String EXIT42_FINAL_SNAPSHOT_KECCAK =
      "0x6c9816e6b7c138ce0be919fb9231b0d0de50e880662515b06913d3645ea87a25";

  @Test
  void exitProgramRunsAndMatchesSpecVectors() throws Exception {
    Machine m = Vm.load(exit42(), new byte[0], CFG);
    Bytes32 initial = m.stateHash();
    RunResult r = m.run(1000, CheckpointSink.NONE);
    assertThat(r.exitCode()).isEqualTo(42);
    assertThat(r.steps()).isEqualTo(5);
    assertThat(r.output().toArray()).isEmpty();
    assertThat(r.checkpoints()).hasSize(2);
    Bytes32 z = Bytes32.ZERO;
    for (int level = 0; level < 27; level++) {
      z = Hashes.keccak256(z.bytes(), z.bytes());
    }
    assertThat(z.toHex()).isEqualTo(EMPTY_MEMORY_ROOT);
    assertThat(new Memory().root().toHex()).isEqualTo(EMPTY_MEMORY_ROOT);
    assertThat(m.state().inputRoot().toHex()).isEqualTo(EMPTY_MEMORY_ROOT);
    assertThat(Hashes.keccak256(new byte[68]).toHex()).isEqualTo(EMPTY_OUTPUT_DIGEST);
    assertThat(m.state().outputDigest().toHex()).isEqualTo(EMPTY_OUTPUT_DIGEST);
    assertThat(initial.toHex()).isEqualTo(EXIT42_INITIAL_STATE_HASH);
    assertThat(r.finalStateHash().toHex()).isEqualTo(EXIT42_FINAL_STATE_HASH);
    assertThat(Hashes.keccak256(m.snapshot()).toHex()).isEqualTo(EXIT42_FINAL_SNAPSHOT_KECCAK);
    String spec = Files.readString(Path.of("..", "docs", "spec", "vm.md"), StandardCharsets.UTF_8);
    assertThat(spec)
        .contains(
            EMPTY_MEMORY_ROOT,
            EXIT42_INITIAL_STATE_HASH,
            EXIT42_FINAL_STATE_HASH,
            EMPTY_OUTPUT_DIGEST,
            EXIT42_FINAL_SNAPSHOT_KECCAK)
        .doesNotContain("filled in by the v2 implementation");
  }

  @Test
  void stateEncodingRoundTripsAndHasFixedLayout() {
    Machine m = Vm.load(exit42(), "abc".getBytes(StandardCharsets.UTF_8), CFG);
    VmState s = m.state();
    byte[] enc = s.encode();
    assertThat(enc).hasSize(296);
    assertThat(VmState.decode(enc)).isEqualTo(s);
    assertThat(enc[VmState.OFF_PC + 1]).isEqualTo((byte) 0x01); // pc 0x00010000 big-endian
    byte[] chunk = new byte[32];
    System.arraycopy("abc".getBytes(StandardCharsets.UTF_8), 0, chunk, 0, 3);
    Bytes32 node = new Bytes32(chunk);
    Bytes32 zero = Bytes32.ZERO;
    for (int l = 0; l < 27; l++) {
      node = Hashes.keccak256(node.bytes(), zero.bytes());
      zero = Hashes.keccak256(zero.bytes(), zero.bytes());
    }
    assertThat(
            java.util.Arrays.copyOfRange(enc, VmState.OFF_INPUT_ROOT, VmState.OFF_INPUT_ROOT + 32))
        .isEqualTo(node.bytes());
    assertThat(enc[VmState.OFF_INPUT_LENGTH + 3]).isEqualTo((byte) 3);
    assertThat(
            java.util.Arrays.copyOfRange(
                enc, VmState.OFF_OUTPUT_LIMIT, VmState.OFF_OUTPUT_LIMIT + 4))
        .containsExactly(4, 0, 0, 0);
    assertThat(java.util.Arrays.copyOfRange(enc, VmState.OFF_RAM_END, VmState.OFF_RAM_END + 4))
        .containsExactly(0x20, 0x01, 0, 0);
  }

  /**
   * Every validity rule of §5 refuses an encoding that breaks it, in decode as in the constructor.
   */
  @Test
  void invalidStatesAreRefused() {
    byte[] valid = Vm.load(exit42(), "abc".getBytes(StandardCharsets.UTF_8), CFG).state().encode();
    java.util.List<java.util.function.Consumer<java.nio.ByteBuffer>> breaks =
        java.util.List.of(
            b -> b.putInt(VmState.OFF_REGS, 1), // x0
            b -> b.putInt(VmState.OFF_INPUT_CURSOR, 4), // cursor > length 3
            b ->
                b.putInt(VmState.OFF_OUTPUT_LENGTH, 5)
                    .putInt(VmState.OFF_OUTPUT_LIMIT, 4), // length > limit
            b ->
                b.put(
                    VmState.OFF_OUTPUT_BUF + 31, (byte) 1), // buffer byte past outputLength mod 32
            b -> b.putInt(VmState.OFF_RAM_END, 0x20010800), // not a multiple of 4096
            b -> b.putInt(VmState.OFF_RAM_END, 0x10000), // not above RAM_BASE
            b -> b.putInt(VmState.OFF_RAM_END, 0x80001000), // above 0x80000000
            b -> b.putLong(VmState.OFF_STEP, Long.MIN_VALUE), // step >= 2^63
            b -> b.putInt(VmState.OFF_STATUS, 3),
            b -> b.putInt(VmState.OFF_EXIT_CODE, 1), // exit code on a running state
            b -> b.putInt(VmState.OFF_STATUS, 2), // faulted with class 0
            b -> b.putInt(VmState.OFF_STATUS, 2).putInt(VmState.OFF_EXIT_CODE, 6));
    for (var br : breaks) {
      byte[] enc = valid.clone();
      br.accept(java.nio.ByteBuffer.wrap(enc));
      assertThatThrownBy(() -> VmState.decode(enc))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("invalid VM state");
    }
    byte[] exited = valid.clone();
    java.nio.ByteBuffer.wrap(exited)
        .putInt(VmState.OFF_STATUS, 1)
        .putInt(VmState.OFF_EXIT_CODE, -7)
        .putInt(VmState.OFF_RAM_END, 0x80000000)
        .putInt(VmState.OFF_OUTPUT_LIMIT, -1);
    assertThat(VmState.decode(exited).exited()).isTrue();
  }

  /**
   * §4.2: the digest from the final state and from the output bytes alone agree, at every chunk
   * boundary.
   */
  @Test
  void outputDigestOfTheStateEqualsTheDigestOfTheBytes() {
    int data = TestElf.BASE + 0x1000;
    for (int len : new int[] {0, 1, 31, 32, 33, 63, 64, 65, 100}) {
      // write len input bytes back out, looping on short reads and writes like the SDK
      byte[] input = new byte[len];
      for (int i = 0; i < len; i++) {
        input[i] = (byte) (i * 7 + 1);
      }
      RunResult r = Vm.load(echo(data), input, CFG).run(100_000, CheckpointSink.NONE);
      assertThat(r.output().toArray()).isEqualTo(input);
      dev.trustdial.vm.state.OutputCommitment.Parts p =
          dev.trustdial.vm.state.OutputCommitment.of(input);
      Bytes32 fromState =
          dev.trustdial.vm.state.OutputCommitment.digest(p.acc(), p.buf(), p.length());
      assertThat(r.outputDigest())
          .isEqualTo(dev.trustdial.vm.state.OutputCommitment.digest(input))
          .isEqualTo(fromState);
      Machine m = Vm.load(echo(data), input, CFG);
      m.run(100_000, CheckpointSink.NONE);
      assertThat(m.state().outputDigest()).as("len " + len).isEqualTo(r.outputDigest());
      assertThat(m.state().outputLength()).isEqualTo(len);
    }
  }

  /**
   * read_input of up to 32 bytes into data (a1 advancing) until it returns 0, then write_output of
   * all of it, then exit 0.
   */
  static byte[] echo(int data) {
    int[] code =
        concat(
            li(9, data), // x9 = write pointer
            new int[] {
              addi(17, 0, 63),
              addi(10, 0, 0),
              addi(11, 9, 0),
              addi(12, 0, 32),
              ECALL, // read
              b(12, 0, 10, 0), // beq a0, x0, +12 -> done
              add(9, 9, 10),
              jal(0, -28)
            }, // x9 += n; loop
            li(8, data), // done: x8 = read pointer
            new int[] {
              sub(12, 9, 8),
              b(28, 0, 12, 0), // a2 = remaining; beq a2, x0 -> exit
              addi(17, 0, 64),
              addi(10, 0, 1),
              addi(11, 8, 0),
              ECALL,
              add(8, 8, 10),
              jal(0, -28)
            },
            new int[] {addi(17, 0, 93), addi(10, 0, 0), ECALL});
    return TestElf.build(code, 0x2000);
  }

  static int add(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 0, rd, 0x33);
  }

  static int sub(int rd, int rs1, int rs2) {
    return r(0x20, rs2, rs1, 0, rd, 0x33);
  }

  @Test
  void memoryRootMatchesANaiveTreeAfterScatteredWrites() {
    Memory mem = new Memory();
    int[] addrs = {0x10000, 0x10004, 0x10fff, 0x11020, 0x7ffff000, 0x23456788};
    for (int a : addrs) {
      mem.store(a, 4, a * 31 + 7);
    }
    mem.root();
    mem.storeByte(0x10001, 0x99); // dirty a cached page again
    assertThat(mem.root()).isEqualTo(naiveRoot(mem, addrs));
    for (int a : addrs) {
      int leaf = a >>> 5;
      assertThat(
              dev.trustdial.core.merkle.MerkleTree.rootFromProof(
                  mem.leaf(leaf), leaf, mem.proof(leaf)))
          .isEqualTo(mem.root());
    }
  }

  /**
   * Recomputes the depth-27 root from scratch: only subtrees over written leaves differ from zero.
   */
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
  void unknownEcallFaultsIntoTheFaultedState() {
    byte[] elf = TestElf.build(concat(li(17, 1234), new int[] {ECALL}), 0);
    Machine m = Vm.load(elf, new byte[0], CFG);
    VmState before = Vm.load(elf, new byte[0], CFG).state();
    assertThatThrownBy(() -> m.run(100, CheckpointSink.NONE))
        .isInstanceOfSatisfying(
            GuestFault.class,
            f -> {
              assertThat(f.faultClass()).isEqualTo(FaultClass.UNKNOWN_ECALL);
              assertThat(f.step()).isEqualTo(2);
            })
        .hasMessageContaining("unknown ecall a7=1234")
        .hasMessageContaining("step 2");
    VmState s = m.state();
    assertThat(m.step()).isEqualTo(3);
    assertThat(s.faulted()).isTrue();
    assertThat(s.exitCode()).isEqualTo(4);
    assertThat(s.pc()).isEqualTo(TestElf.BASE + 8);
    assertThat(s.regs()[17]).isEqualTo(1234);
    assertThat(s.memRoot()).isEqualTo(before.memRoot());
    assertThat(m.checkpoints().getLast())
        .isEqualTo(new dev.trustdial.vm.checkpoint.Checkpoint(3, m.stateHash()));
    // a terminal state steps to itself, and a restored faulted machine still reports its fault
    Witness w = m.witnessNextStep();
    assertThat(w.postStateHash()).isEqualTo(w.preStateHash()).isEqualTo(m.stateHash());
    Machine restored = Vm.restore(m.snapshot(), new byte[0], CFG, m.stateHash());
    assertThatThrownBy(() -> restored.run(100, CheckpointSink.NONE))
        .isInstanceOfSatisfying(
            GuestFault.class, f -> assertThat(f.faultClass()).isEqualTo(FaultClass.UNKNOWN_ECALL));
  }

  @Test
  void outOfRangeAccessFaults() {
    byte[] elf = TestElf.build(new int[] {lw(5, 0, 16)}, 0);
    assertThatThrownBy(() -> Vm.load(elf, new byte[0], CFG).run(100, CheckpointSink.NONE))
        .isInstanceOf(GuestFault.class)
        .hasMessageContaining("out-of-range load");
    byte[] high =
        TestElf.build(
            concat(li(6, 0x20010000), new int[] {sw(5, 6, -2)}),
            0); // the word's last 2 bytes pass ramEnd
    assertThatThrownBy(() -> Vm.load(high, new byte[0], CFG).run(100, CheckpointSink.NONE))
        .isInstanceOfSatisfying(
            GuestFault.class, f -> assertThat(f.faultClass()).isEqualTo(FaultClass.OUT_OF_RANGE))
        .hasMessageContaining("out-of-range store");
    byte[] last =
        TestElf.build(
            concat(
                li(6, 0x20010000),
                new int[] {sw(5, 6, -4), lw(7, 6, -4)},
                li(17, 93),
                new int[] {ECALL}),
            0);
    assertThat(Vm.load(last, new byte[0], CFG).run(100, CheckpointSink.NONE).exitCode()).isZero();
    byte[] bigWindow =
        TestElf.build(
            concat(li(6, 0x20010000), new int[] {sw(5, 6, 0)}, li(17, 93), new int[] {ECALL}), 0);
    assertThat(
            Vm.load(
                    bigWindow,
                    new byte[0],
                    CFG.withRamEnd(0x20011000L).withHostMemoryBytes(1L << 30))
                .run(100, CheckpointSink.NONE)
                .steps())
        .isEqualTo(6);
  }

  @Test
  void misalignedPcFaultsWithClassTwoBeforeTheWindowCheck() {
    // jalr to 0x00000002: misaligned and outside the window; misaligned wins (§6 rule 2 before 3)
    byte[] elf = TestElf.build(new int[] {addi(5, 0, 2), i(0, 5, 0, 0, 0x67)}, 0);
    Machine m = Vm.load(elf, new byte[0], CFG);
    assertThatThrownBy(() -> m.run(100, CheckpointSink.NONE))
        .isInstanceOfSatisfying(
            GuestFault.class, f -> assertThat(f.faultClass()).isEqualTo(FaultClass.MISALIGNED_PC));
    assertThat(m.state().pc()).isEqualTo(2);
    assertThat(m.state().exitCode()).isEqualTo(2);
  }

  @Test
  void aWindowTheHostCannotHoldIsRefusedBeforeRunning() {
    assertThatThrownBy(() -> Vm.load(exit42(), new byte[0], CFG.withRamEnd(0x40010000L)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("program needs 1073741824 bytes of RAM")
        .hasMessageContaining("host allows 536870912");
    assertThat(
            Vm.load(
                    exit42(),
                    new byte[0],
                    CFG.withRamEnd(0x40010000L).withHostMemoryBytes(1L << 30))
                .state()
                .ramEnd())
        .isEqualTo(0x40010000);
  }

  @Test
  void aVersionOneSnapshotIsRefusedWithAMessage() {
    byte[] snap = Vm.load(exit42(), new byte[0], CFG).snapshot();
    System.arraycopy("TDVMSNP1".getBytes(StandardCharsets.US_ASCII), 0, snap, 0, 8);
    assertThatThrownBy(() -> Vm.restore(snap, new byte[0], CFG))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("v1 snapshot (TDVMSNP1)")
        .hasMessageContaining("step 0");
  }

  @Test
  void selfModifyingCodeSeesTheNewInstruction() {
    // overwrite the instruction at +16 (addi a0,x0,1) with addi a0,x0,9, then run it
    int patched = addi(10, 0, 9);
    int[] code =
        concat(
            li(5, patched),
            li(6, TestElf.BASE + 24),
            new int[] {sw(5, 6, 0), addi(17, 0, 93), addi(10, 0, 1), ECALL});
    RunResult r = Vm.load(TestElf.build(code, 0), new byte[0], CFG).run(100, CheckpointSink.NONE);
    assertThat(r.exitCode()).isEqualTo(9);
  }

  @Test
  void badElvesAreRefusedWithReasons() {
    assertThatThrownBy(() -> Vm.load(new byte[10], new byte[0], CFG))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not an ELF");
    byte[] rvc = exit42();
    rvc[36] = 1;
    assertThatThrownBy(() -> Vm.load(rvc, new byte[0], CFG)).hasMessageContaining("compressed");
    byte[] cls64 = exit42();
    cls64[4] = 2;
    assertThatThrownBy(() -> Vm.load(cls64, new byte[0], CFG)).hasMessageContaining("not 32-bit");
    byte[] lowSeg = exit42();
    java.nio.ByteBuffer.wrap(lowSeg).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(52 + 8, 0x1000);
    assertThatThrownBy(() -> Vm.load(lowSeg, new byte[0], CFG))
        .hasMessageContaining("outside guest RAM");
    byte[] huge = exit42();
    java.nio.ByteBuffer.wrap(huge)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(52 + 20, 0x2000_0001);
    assertThatThrownBy(() -> Vm.load(huge, new byte[0], CFG))
        .hasMessageContaining("outside guest RAM")
        .hasMessageContaining("ramEnd");
    byte[] entry = exit42();
    java.nio.ByteBuffer.wrap(entry).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 0x20000);
    assertThatThrownBy(() -> Vm.load(entry, new byte[0], CFG)).hasMessageContaining("entry point");
  }
}
