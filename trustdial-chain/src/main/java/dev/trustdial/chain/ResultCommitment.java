package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * What an operator (or a challenger) claims a job computed. {@link #commitment()} equals
 * JobManager.commitmentOf: keccak256(abi.encode(outputHash, finalStateHash, stepCount,
 * checkpointRoot)).
 */
public record ResultCommitment(
    Bytes32 outputHash, Bytes32 finalStateHash, long stepCount, Bytes32 checkpointRoot) {
  public ResultCommitment {
    if (stepCount < 0) {
      throw new IllegalArgumentException("stepCount must be non-negative");
    }
  }

  public Bytes32 commitment() {
    String word = TypeEncoder.encode(new Uint64(BigInteger.valueOf(stepCount)));
    return Hashes.keccak256(
        outputHash.bytes(),
        finalStateHash.bytes(),
        dev.trustdial.core.bytes.Hex.decode(word),
        checkpointRoot.bytes());
  }
}
