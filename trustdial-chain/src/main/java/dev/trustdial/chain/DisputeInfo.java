package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/**
 * One dispute in the IntersubjectiveCourt (IntersubjectiveCourt.getDispute): its parties, the two
 * commitments, the stake snapshot it is weighed at, the tally and, once resolved, the verdict.
 */
public record DisputeInfo(
    BigInteger disputeId,
    BigInteger jobId,
    Address operator,
    Address challenger,
    Bytes32 operatorCommitment,
    Bytes32 challengerCommitment,
    long snapshotBlock,
    long deadline,
    BigInteger totalWeight,
    BigInteger castWeight,
    BigInteger operatorWeight,
    BigInteger challengerWeight,
    Bytes32 leading,
    BigInteger leadingWeight,
    Verdict verdict,
    boolean moot,
    BigInteger voterPool) {
  public boolean resolved() {
    return verdict != Verdict.NONE;
  }

  /** Whether {@code account} is one of the two parties (they may not vote). */
  public boolean isParty(Address account) {
    return operator.equals(account) || challenger.equals(account);
  }
}
