package dev.trustdial.node.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.SubBlob;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.PointEvaluation;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.witness.BlobInputProof;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;
import dev.trustdial.vm.witness.WitnessRejected;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The blob form of the input commitment (docs/spec/vm.md §4.1.1) against the real KZG library: the
 * evaluation points are EIP-4844's (an opening's y is the blob's element), a guest reads the same
 * bytes in both forms, every read_input witness of a blob-form input passes the independent checker
 * with real point evaluations (one element, two elements, across the boundary between two blobs),
 * and every tampered opening is refused. Writes docs/spec/vm-blob-vectors.json when run with {@code
 * -Dtrustdial.vm.writeBlobVectors=true} (the forge test replays them).
 */
class BlobInputsTest {
  static final VmConfig CFG = VmConfig.defaults();
  static Kzg kzg;
  static byte[] elf;
  static PointEvaluation pe;

  @BeforeAll
  static void load() throws IOException {
    kzg = JniKzg.load();
    pe = BlobInputs.pointEvaluation(kzg);
    elf = Files.readAllBytes(Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf"));
  }

  static byte[] envelope(byte[] input) {
    return new JobEnvelope(Bytes32.ZERO, 1 << 20, input).encode();
  }

  static byte[] sha256chainInput(int iterations, int bytes, long seed) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    Random r = new Random(seed);
    byte[] data = new byte[bytes];
    r.nextBytes(data);
    return b.put(data).array();
  }

  @Test
  void openingsAreTheBlobsElements_atEip4844sEvaluationPoints() {
    byte[] env = envelope(sha256chainInput(3, 130_000, 1));
    BlobInputs b = BlobInputs.of(env, kzg);
    List<SubBlob> blobs = BlobCodec.encode(env);
    assertThat(b.versionedHashes()).hasSize(2);
    for (int e : new int[] {0, 1, 2, 1000, 4095, 4096, 4097, 8191}) {
      var o = b.opener().open(e);
      byte[] element = new byte[32];
      blobs.get(e / 4096).copyTo((e % 4096) * 32, element, 0, 32);
      assertThat(o.y().bytes()).as("element %d", e).isEqualTo(element);
      assertThat(
              pe.verify(
                  b.versionedHashes().get(e / 4096),
                  BlobInput.evaluationPoint(e % 4096),
                  o.y(),
                  o.commitment(),
                  o.proof()))
          .isTrue();
      assertThat(
              pe.verify(
                  b.versionedHashes().get(e / 4096),
                  BlobInput.evaluationPoint((e + 1) % 4096),
                  o.y(),
                  o.commitment(),
                  o.proof()))
          .as("another point")
          .isFalse();
    }
    assertThat(BlobInput.evaluationPoint(0).toHex()).isEqualTo("0x" + "0".repeat(63) + "1");
  }

  @Test
  void aGuestReadsTheSameBytesInBothForms_onlyTheRootDiffers() {
    byte[] input = sha256chainInput(2, 300, 2);
    BlobInputs b = BlobInputs.of(envelope(input), kzg);
    Machine tree = Vm.load(elf, input, CFG);
    Machine blobs = Vm.load(elf, b.vmInput(), CFG);
    tree.run(10_000_000, CheckpointSink.NONE);
    blobs.run(10_000_000, CheckpointSink.NONE);
    assertThat(blobs.exited()).isTrue();
    assertThat(blobs.output()).isEqualTo(tree.output());
    assertThat(blobs.step()).isEqualTo(tree.step());
    assertThat(blobs.state().inputRoot())
        .isEqualTo(BlobInput.root(input.length, b.versionedHashes()))
        .isNotEqualTo(tree.state().inputRoot());
  }

  @Test
  void everyReadWitnessOfABlobInput_passesTheCheckerWithRealPointEvaluations() {
    byte[] input = sha256chainInput(1, 100, 3);
    BlobInputs b = BlobInputs.of(envelope(input), kzg);
    Machine m = Vm.load(elf, b.vmInput(), CFG);
    int reads = 0;
    int twoElements = 0;
    int oneElement = 0;
    while (!m.terminal() && m.step() < 20_000) {
      Witness w = m.witnessNextStep();
      if (w.inputChunk().isPresent()) {
        BlobInputProof p = (BlobInputProof) w.inputChunk().get();
        reads++;
        if (p.openings().size() == 2) {
          twoElements++;
        } else {
          oneElement++;
        }
        assertThat(WitnessChecker.check(w, pe).postStateHash()).isEqualTo(w.postStateHash());
        assertThatThrownBy(() -> WitnessChecker.check(w))
            .as("no KZG verifier")
            .isInstanceOf(UnsupportedOperationException.class);
      }
    }
    assertThat(reads).isGreaterThan(3);
    assertThat(oneElement).as("the 4-byte read at cursor 0").isPositive();
    assertThat(twoElements).isPositive();
  }

  @Test
  void readsAcrossTheBoundaryBetweenTwoBlobs_areProven() {
    // input byte 126,920 is the first byte of blob 1 (payload byte 126,976)
    byte[] input = sha256chainInput(1, 127_000, 4);
    BlobInputs b = BlobInputs.of(envelope(input), kzg);
    VmInput in = b.vmInput();
    long at = firstStepWithCursorAtLeast(in, 126_890);
    Machine m = Vm.load(elf, in, CFG);
    m.runTo(at, CheckpointSink.NONE);
    boolean crossed = false;
    for (int i = 0; i < 400 && !crossed; i++) {
      Witness w = m.witnessNextStep();
      if (w.inputChunk().isPresent()) {
        BlobInputProof p = (BlobInputProof) w.inputChunk().get();
        assertThat(WitnessChecker.check(w, pe).postStateHash()).isEqualTo(w.postStateHash());
        int last = p.firstElement() + p.openings().size() - 1;
        crossed = p.firstElement() / 4096 == 0 && last / 4096 == 1;
        if (crossed) {
          assertThat(p.openings().get(0).commitment())
              .isNotEqualTo(p.openings().get(1).commitment());
        }
      }
    }
    assertThat(crossed).as("a read whose two elements are in different blobs").isTrue();
  }

  @Test
  void tamperedOpenings_areRefused() {
    byte[] input = sha256chainInput(1, 100, 5);
    BlobInputs b = BlobInputs.of(envelope(input), kzg);
    Witness w = firstTwoElementRead(b.vmInput());
    byte[] proof = w.proof().toArray();
    int rec = inputRecordStart(w);
    // y_0's last byte, the mask, k, the versioned hash, commitment_0, proof_0, y_1
    int k = 1;
    int[] offsets = {
      rec + 31,
      rec + 35,
      rec + 36,
      rec + 40,
      rec + 37 + 32 * k + 3,
      rec + 37 + 32 * k + 60,
      rec + 37 + 32 * k + 96 + 31
    };
    for (int off : offsets) {
      byte[] bad = proof.clone();
      bad[off] ^= 1;
      assertThatThrownBy(() -> WitnessChecker.step(w.preState().toArray(), bad, pe))
          .as("byte %d", off - rec)
          .isInstanceOf(WitnessRejected.class);
    }
    byte[] y0 = proof.clone();
    y0[rec] = 1; // byte 0 of y_0: not a DA sub-blob element
    assertThatThrownBy(() -> WitnessChecker.step(w.preState().toArray(), y0, pe))
        .isInstanceOf(WitnessRejected.class)
        .hasMessageContaining("byte 0");
    assertThatThrownBy(() ->
            WitnessChecker.step(w.preState().toArray(), Arrays.copyOf(proof, proof.length - 1), pe))
        .isInstanceOf(WitnessRejected.class);
    byte[] longer = Arrays.copyOf(proof, proof.length + 1);
    assertThatThrownBy(() -> WitnessChecker.step(w.preState().toArray(), longer, pe))
        .isInstanceOf(WitnessRejected.class);
  }

  @Test
  void inputsBeyondSixBlobs_areRefused() {
    assertThatThrownBy(() -> BlobInputs.of(envelope(new byte[BlobInput.MAX_INPUT_BYTES + 1]), kzg))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("6 blobs");
    assertThat(BlobInput.blobsFor(BlobInput.MAX_INPUT_BYTES)).isEqualTo(6);
  }

  /**
   * The vectors forge replays (RiscvStepBlob.t.sol): read witnesses of a two-blob input, with their
   * post states. Regenerated on every run and compared with docs/spec/vm-blob-vectors.json (KZG
   * openings are deterministic); {@code -Dtrustdial.vm.writeBlobVectors=true} rewrites the file.
   */
  @Test
  void blobVectors_areWhatThisCodeProduces() throws IOException {
    byte[] input = sha256chainInput(1, 127_000, 6);
    BlobInputs b = BlobInputs.of(envelope(input), kzg);
    VmInput in = b.vmInput();
    List<Witness> picked = new ArrayList<>();
    Machine m = Vm.load(elf, in, CFG);
    while (picked.size() < 3
        && m.step() < 1_000) { // the 4-byte read (one element), then two-element reads
      Witness w = m.witnessNextStep();
      if (w.inputChunk().isPresent()) {
        picked.add(w);
      }
    }
    m = Vm.load(elf, in, CFG);
    m.runTo(firstStepWithCursorAtLeast(in, 126_890), CheckpointSink.NONE);
    int before = picked.size();
    while (picked.size() < before + 2) {
      Witness w = m.witnessNextStep();
      if (w.inputChunk().isPresent()) {
        BlobInputProof p = (BlobInputProof) w.inputChunk().get();
        if ((p.firstElement() + p.openings().size() - 1) / 4096 == 1) {
          picked.add(w);
        }
      }
    }
    StringBuilder s =
        new StringBuilder(
            "{\n  \"description\": \"vm.md §4.1.1 blob-form read_input witnesses of sha256chain with a 127,000-byte input in two blobs"
                + " (written by BlobInputsTest); each proof's post state hash is what RiscvStep.step must return\",\n  \"witnesses\": [\n");
    for (int i = 0; i < picked.size(); i++) {
      Witness w = picked.get(i);
      BlobInputProof p = (BlobInputProof) w.inputChunk().get();
      s.append("    {\"step\": ")
          .append(w.step())
          .append(", \"firstElement\": ")
          .append(p.firstElement())
          .append(", \"elements\": ")
          .append(p.openings().size())
          .append(", \"preState\": \"")
          .append(w.preState().toHex())
          .append("\", \"proof\": \"")
          .append(w.proof().toHex())
          .append("\", \"postStateHash\": \"")
          .append(w.postStateHash().toHex())
          .append("\"}")
          .append(i + 1 < picked.size() ? ",\n" : "\n");
    }
    s.append("  ]\n}\n");
    Path file = Path.of("..", "docs", "spec", "vm-blob-vectors.json");
    if (Boolean.getBoolean("trustdial.vm.writeBlobVectors")) {
      Files.writeString(file, s.toString());
    }
    assertThat(Files.readString(file))
        .as("docs/spec/vm-blob-vectors.json (rewrite with -Dtrustdial.vm.writeBlobVectors=true)")
        .isEqualTo(s.toString());
  }

  private static long firstStepWithCursorAtLeast(VmInput in, int cursor) {
    long lo = 0;
    long hi = 10_000_000;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      Machine m = Vm.load(elf, in, CFG);
      m.runTo(mid, CheckpointSink.NONE);
      if (Integer.toUnsignedLong(m.state().inputCursor()) >= cursor) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return Math.max(0, lo - 40);
  }

  private static Witness firstTwoElementRead(VmInput in) {
    Machine m = Vm.load(elf, in, CFG);
    while (true) {
      Witness w = m.witnessNextStep();
      if (w.inputChunk().isPresent()
          && ((BlobInputProof) w.inputChunk().get()).openings().size() == 2) {
        return w;
      }
    }
  }

  /** The input record starts after the memory records: find it by re-encoding without it. */
  private static int inputRecordStart(Witness w) {
    BlobInputProof p = (BlobInputProof) w.inputChunk().get();
    int len =
        37
            + 32 * p.versionedHashes().size()
            + 96 * p.openings().size()
            + 32 * (p.openings().size() - 1);
    return w.proof().length() - len;
  }
}
