package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/**
 * One staker's position in one operator's pool: active stake (its shares at today's value) and a
 * queued withdrawal, if any ({@code pendingAmount} 0 when none). The withdrawal completes once
 * {@code now >= availableAt} and the operator's obligation low-water mark reaches {@code
 * obligationSeq}.
 */
public record Delegation(
    Address operator,
    Address staker,
    BigInteger activeStake,
    BigInteger shares,
    BigInteger pendingAmount,
    BigInteger pendingShares,
    long availableAt,
    long obligationSeq) {
  public boolean hasPendingWithdrawal() {
    return pendingShares.signum() > 0;
  }
}
