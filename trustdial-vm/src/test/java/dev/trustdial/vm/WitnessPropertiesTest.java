package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import dev.trustdial.vm.testing.RandomProgram;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;
import dev.trustdial.vm.witness.WitnessRejected;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Witnesses of random steps verify with the independent checker; tampered ones are rejected. */
class WitnessPropertiesTest {
  static final VmConfig CFG = VmConfig.defaults();
  static final byte[] SHA_INPUT =
      GuestInputs.sha256chain(3, "witness me".repeat(9).getBytes(StandardCharsets.UTF_8));

  /** Every step of random programs (loads, stores, misaligned, branches, writes) checks out. */
  @Property(tries = 15)
  void everyStepOfRandomProgramsVerifies(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    byte[] elf = RandomProgram.generate(seed, 60);
    Machine m = Vm.load(elf, new byte[0], CFG);
    while (!m.terminal()) {
      Witness w = m.witnessNextStep();
      assertThat(Vm.checkWitness(w))
          .isEqualTo(new WitnessChecker.Result(m.stateHash(), m.state().status()));
    }
  }

  /** Random steps of the sha256 guest, including read_input and write_output ecalls. */
  /** Steps the sha256 guest takes on SHA_INPUT before it exits. */
  static final long SHA_STEPS =
      Vm.load(Guests.elf("sha256chain"), SHA_INPUT, CFG).run(1L << 30, CheckpointSink.NONE).steps();

  @Property(tries = 25)
  void randomGuestStepsVerify(@ForAll @LongRange(min = 0, max = 1L << 40) long anyStep) {
    // bias towards the input-reading prologue and the output/exit epilogue, where the ecalls are
    long step =
        switch ((int) (anyStep % 3)) {
          case 0 -> anyStep % 2000;
          case 1 -> SHA_STEPS - 1 - anyStep % 400;
          default -> anyStep % SHA_STEPS;
        };
    Witness w = Vm.witness(Guests.elf("sha256chain"), SHA_INPUT, CFG, step);
    Bytes32 post = Vm.checkWitness(w).postStateHash();
    Machine m = Vm.load(Guests.elf("sha256chain"), SHA_INPUT, CFG);
    m.runTo(step + 1, CheckpointSink.NONE);
    assertThat(post).isEqualTo(m.stateHash());
  }

  @Property(tries = 40)
  void tamperedWitnessesFail(
      @ForAll @IntRange(min = 0, max = 5) int what,
      @ForAll("positions") int pos,
      @ForAll @LongRange(min = 0, max = 3000) long step) {
    Witness w = Vm.witness(Guests.elf("sha256chain"), SHA_INPUT, CFG, step);
    Witness bad = tamper(w, what, pos);
    assertThatThrownBy(() -> Vm.checkWitness(bad)).isInstanceOf(WitnessRejected.class);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 100_000);
  }

  static Witness tamper(Witness w, int what, int pos) {
    byte[] pre = w.preState().toArray();
    byte[] proof = w.proof().toArray();
    byte[] post = w.postState().toArray();
    switch (what) {
      case 0 -> {
        // flip a byte of pc, memRoot or step: fields every transition depends on (a register the
        // step overwrites would still give a valid witness, of a different pre-state)
        int[] offsets = {0, 1, 2, 3, 132, 140, 150, 163, 281, 284, 287};
        pre[offsets[pos % offsets.length]] ^= 1;
      }
      case 1 -> proof[pos % 32] ^= (byte) 0x80; // the fetched leaf's value
      case 2 ->
          proof[pos % proof.length] ^=
              (byte) (1 << (pos % 8)); // any bit: a leaf, a mask bit, a sibling
      case 3 ->
          proof =
              java.util.Arrays.copyOf(proof, proof.length - 1 - pos % proof.length); // truncated
      case 4 ->
          proof = java.util.Arrays.copyOf(proof, proof.length + 1 + pos % 40); // trailing bytes
      default -> post[pos % post.length] ^= 1; // a different claimed post-state
    }
    return new Witness(
        w.step(),
        Bytes.of(pre),
        w.instruction(),
        w.accesses(),
        w.inputChunk(),
        Bytes.of(post),
        Bytes.of(proof));
  }
}
