package dev.trustdial.chain;

import java.math.BigInteger;

/**
 * An operator's pool (StakeRegistry.poolOf): the active half backs its roles, the pending half is
 * queued for withdrawal and only slashable. Shares convert to tokens at amount/shares of their
 * half.
 */
public record StakePool(
    BigInteger activeAmount,
    BigInteger activeShares,
    BigInteger pendingAmount,
    BigInteger pendingShares) {
  public StakePool {
    if (activeAmount.signum() < 0
        || activeShares.signum() < 0
        || pendingAmount.signum() < 0
        || pendingShares.signum() < 0) {
      throw new IllegalStateException("negative pool figures onchain");
    }
  }

  /** Active plus pending: what a slash can reach. */
  public BigInteger slashable() {
    return activeAmount.add(pendingAmount);
  }
}
