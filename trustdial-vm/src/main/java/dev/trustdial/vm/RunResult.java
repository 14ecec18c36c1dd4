package dev.trustdial.vm;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.checkpoint.Checkpoint;
import java.util.List;

/**
 * A finished (exited) run: what the guest wrote, the final state hash, the step count, the exit
 * code and the Merkle root over every checkpoint's state hash (step 0, each stride multiple, the
 * exit).
 */
public record RunResult(
    Bytes output,
    Bytes32 finalStateHash,
    long steps,
    int exitCode,
    Bytes32 checkpointRoot,
    List<Checkpoint> checkpoints) {
  public RunResult {
    checkpoints = List.copyOf(checkpoints);
    if (checkpoints.isEmpty() || !checkpoints.getLast().stateHash().equals(finalStateHash)) {
      throw new IllegalArgumentException("the last checkpoint must be the final state");
    }
  }

  /** The output digest of docs/spec/vm.md §4.2 (equal to the final state's outputDigest). */
  public Bytes32 outputDigest() {
    return dev.trustdial.vm.state.OutputCommitment.digest(output.toArray());
  }

  /** keccak256 of the output bytes. */
  public Bytes32 outputHash() {
    return Hashes.keccak256(output.toArray());
  }
}
