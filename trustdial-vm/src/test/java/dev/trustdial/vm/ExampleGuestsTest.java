package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example guests on the VM, checked against independent Java computations. */
class ExampleGuestsTest {
  static final VmConfig CFG = VmConfig.defaults();

  @Test
  void sha256ChainMatchesJava() {
    byte[] data = "TrustDial verifiable compute".getBytes(StandardCharsets.UTF_8);
    RunResult r =
        Vm.load(Guests.elf("sha256chain"), GuestInputs.sha256chain(500, data), CFG)
            .run(100_000_000, CheckpointSink.NONE);
    Bytes32 h = Hashes.sha256(data);
    for (int i = 1; i < 500; i++) {
      h = Hashes.sha256(h.bytes());
    }
    assertThat(r.exitCode()).isZero();
    assertThat(r.output().toArray()).isEqualTo(h.bytes());
  }

  @Test
  void sha256OverALargeInputCrossesManyReadChunks() {
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7 + (i >> 8));
    }
    RunResult r =
        Vm.load(Guests.elf("sha256chain"), GuestInputs.sha256chain(1, data), CFG)
            .run(200_000_000, CheckpointSink.NONE);
    assertThat(r.output().toArray()).isEqualTo(Hashes.sha256(data).bytes());
  }

  @Test
  void recommendScoresEqualJavaFloatArithmetic() {
    int seed = 42, n = 300, dim = 16, k = 5;
    RunResult r =
        Vm.load(Guests.elf("recommend"), GuestInputs.recommend(seed, n, dim, k), CFG)
            .run(500_000_000, CheckpointSink.NONE);
    assertThat(r.exitCode()).isZero();
    ByteBuffer out = ByteBuffer.wrap(r.output().toArray()).order(ByteOrder.LITTLE_ENDIAN);
    // Java float arithmetic is IEEE-754 binary32 with round-to-nearest, as libgcc's soft-float is;
    // only sqrtf and log1pf come from libm, and sqrt is correctly rounded in both.
    int[] rng = {seed};
    float[] user = new float[dim];
    float unorm = 0f;
    for (int d = 0; d < dim; d++) {
      user[d] = unit(rng);
      unorm += user[d] * user[d];
    }
    unorm = (float) Math.sqrt(unorm);
    List<float[]> scored = new ArrayList<>();
    for (int id = 0; id < n; id++) {
      float dot = 0f, inorm = 0f;
      for (int d = 0; d < dim; d++) {
        float v = unit(rng);
        dot += user[d] * v;
        inorm += v * v;
      }
      rng[0] = rng[0] * 1664525 + 1013904223;
      float pop = (float) (rng[0] >>> 20);
      scored.add(new float[] {id, dot / (unorm * (float) Math.sqrt(inorm) + 1e-6f), pop});
    }
    for (int j = 0; j < k; j++) {
      int id = out.getInt();
      float score = Float.intBitsToFloat(out.getInt());
      float[] s = scored.get(id);
      float cosine = s[1];
      // the popularity term uses libm's log1pf; allow it one ulp of the float result
      float expected = cosine + 0.05f * (float) Math.log1p(s[2]);
      assertThat(Math.abs(score - expected)).isLessThanOrEqualTo(Math.ulp(expected));
    }
  }

  private static float unit(int[] rng) {
    rng[0] = rng[0] * 1664525 + 1013904223;
    return (float) ((rng[0] >>> 8) - (1 << 23)) / (float) (1 << 23);
  }

  @Test
  void gameworldIsDeterministicAndResumesBitForBit() {
    byte[] elf = Guests.elf("gameworld");
    byte[] input = GuestInputs.gameworld(60, 500, 7);
    VmConfig cfg = CFG.withCheckpointEvery(1 << 16);
    List<byte[]> snapshots = new ArrayList<>();
    List<Checkpoint> seen = new ArrayList<>();
    RunResult full =
        Vm.load(elf, input, cfg)
            .run(
                1L << 32,
                (cp, m) -> {
                  seen.add(cp);
                  if (seen.size() == 5) {
                    snapshots.add(m.snapshot());
                  }
                });
    assertThat(full.checkpoints().size()).isGreaterThan(6);
    RunResult again = Vm.load(elf, input, cfg).run(1L << 32, CheckpointSink.NONE);
    assertThat(again.finalStateHash()).isEqualTo(full.finalStateHash());
    assertThat(again.checkpointRoot()).isEqualTo(full.checkpointRoot());
    Machine resumed = Vm.restore(snapshots.getFirst(), input, cfg, seen.get(4).stateHash());
    RunResult r = resumed.run(1L << 32, CheckpointSink.NONE);
    assertThat(r.finalStateHash()).isEqualTo(full.finalStateHash());
    assertThat(r.checkpointRoot()).isEqualTo(full.checkpointRoot());
    assertThat(r.output()).isEqualTo(full.output());
    assertThat(r.steps()).isEqualTo(full.steps());
  }
}
