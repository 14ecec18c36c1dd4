package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.state.VmState;
import java.nio.charset.StandardCharsets;

/**
 * Devnet-only: a consistently wrong trace from time {@code fromStep} on. Every claimed state T(t)
 * with {@code t >= fromStep} has its outputAcc replaced by keccak256("trustdial-lie" || outputAcc):
 * still a valid state, and the final output digest is wrong. The prestate (t = 0) is fixed onchain,
 * so a lie starts at step 1 at the earliest.
 */
public record TraceLie(long fromStep) {
  private static final byte[] TAG = "trustdial-lie".getBytes(StandardCharsets.US_ASCII);

  public TraceLie {
    if (fromStep < 1) {
      throw new InvalidInputException(
          "a lie starts at step 1 or later (the prestate is fixed onchain), got " + fromStep);
    }
  }

  /** The claimed T(t) given the true one. */
  public VmState apply(long t, VmState truth) {
    if (t < fromStep) {
      return truth;
    }
    Bytes32 acc = Hashes.keccak256(TAG, truth.outputAcc().bytes());
    return new VmState(
        truth.pc(),
        truth.regs(),
        truth.memRoot(),
        truth.inputRoot(),
        truth.inputLength(),
        truth.inputCursor(),
        acc,
        truth.outputBuf(),
        truth.outputLength(),
        truth.outputLimit(),
        truth.ramEnd(),
        truth.step(),
        truth.status(),
        truth.exitCode());
  }
}
