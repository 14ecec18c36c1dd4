package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import java.math.BigInteger;

/** A voter's vote in one dispute (IntersubjectiveCourt.voteOf); weight 0 means it did not vote. */
public record VoteInfo(Bytes32 commitment, BigInteger weight, long obligationSeq, boolean settled) {
  public boolean cast() {
    return weight.signum() > 0;
  }
}
