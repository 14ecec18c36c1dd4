package dev.trustdial.zk;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * What {@link ZkProver#prove} made: the output words (the first outputWords public signals), the
 * proof for {@code output ++ input}, and how long the witness and the proof took.
 */
public record ProveResult(
    List<BigInteger> output, Groth16Proof proof, Duration witnessTime, Duration proveTime) {
  public ProveResult {
    output = List.copyOf(output);
    if (output.isEmpty()) {
      throw new IllegalArgumentException("a ZK result has at least one output word");
    }
  }

  /** The output bytes for DA and {@code submitCheckedResult}: 32 bytes per word. */
  public byte[] outputBytes() {
    return ZkWords.encode(output);
  }
}
