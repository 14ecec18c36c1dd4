package dev.trustdial.cli.demo;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The demo's deterministic program until the RV32IM VM is wired into the operator (issue 5): a
 * keccak256 hash chain. state_0 = keccak(input), state_{i+1} = keccak(state_i). Its state after
 * any step is its whole state, so a checkpoint is just (step, state) and a successor can resume.
 * The result binds the output, the final state, the step count and the checkpoint root, exactly as
 * a VM job's result does.
 */
public final class HashChainProgram {
  /** A checkpoint: the state after {@code step} steps. */
  public record Checkpoint(long step, Bytes32 state) {}

  /** The outcome of a run: what an operator commits onchain. */
  public record Run(Bytes32 outputHash, Bytes32 finalStateHash, long steps, Bytes32 checkpointRoot, List<Checkpoint> checkpoints) {}

  private final long steps;
  private final long checkpointEvery;

  public HashChainProgram(long steps, long checkpointEvery) {
    if (steps <= 0 || checkpointEvery <= 0 || steps % checkpointEvery != 0) {
      throw new IllegalArgumentException("steps must be a positive multiple of the checkpoint stride");
    }
    this.steps = steps;
    this.checkpointEvery = checkpointEvery;
  }

  public static Bytes32 initialState(byte[] input) {
    return Hashes.keccak256(input);
  }

  /** Runs from {@code from} to completion; {@code onCheckpoint} sees each checkpoint as it is reached. */
  public Run runFrom(Checkpoint from, List<Checkpoint> earlier, java.util.function.Consumer<Checkpoint> onCheckpoint, LongConsumer progress) {
    if (from.step() % checkpointEvery != 0 || from.step() > steps) {
      throw new IllegalArgumentException("can only resume at a checkpoint, not at step " + from.step());
    }
    List<Checkpoint> cps = new ArrayList<>(earlier);
    byte[] s = from.state().bytes();
    org.bouncycastle.jcajce.provider.digest.Keccak.Digest256 d = new org.bouncycastle.jcajce.provider.digest.Keccak.Digest256();
    for (long i = from.step(); i < steps; ) {
      d.update(s, 0, 32);
      s = d.digest();
      i++;
      if (i % checkpointEvery == 0) {
        Checkpoint c = new Checkpoint(i, new Bytes32(s));
        cps.add(c);
        onCheckpoint.accept(c);
      }
      if ((i & 0xffff) == 0) {
        progress.accept(i);
      }
    }
    Bytes32 fin = new Bytes32(s);
    Bytes32 output = Hashes.keccak256("output".getBytes(java.nio.charset.StandardCharsets.US_ASCII), fin.bytes());
    Bytes32 finalStateHash = Hashes.keccak256(fin.bytes(), java.nio.ByteBuffer.allocate(8).putLong(steps).array());
    Bytes32 root = MerkleTree.root(cps.stream().map(Checkpoint::state).toList());
    return new Run(output, finalStateHash, steps, root, List.copyOf(cps));
  }

  public Run run(byte[] input, LongConsumer progress) {
    return runFrom(new Checkpoint(0, initialState(input)), List.of(), c -> {}, progress);
  }

  public long steps() {
    return steps;
  }

  public long checkpointEvery() {
    return checkpointEvery;
  }
}
