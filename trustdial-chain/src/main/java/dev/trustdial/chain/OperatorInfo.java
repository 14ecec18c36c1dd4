package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;

/**
 * An operator as StakeRegistry records it, with its pool: {@code stake} is the pool's active half
 * (own and delegated stake, what weights come from), {@code selfStake} the operator's own part of
 * it, {@code pendingStake} what is queued for withdrawal (no weight, still slashable).
 */
public record OperatorInfo(
    Address operator,
    OperatorStatus status,
    Set<Role> roles,
    Address signer,
    String endpoint,
    BigInteger stake,
    BigInteger selfStake,
    BigInteger pendingStake,
    long openObligations) {
  public OperatorInfo {
    roles = Set.copyOf(roles);
    if (stake.signum() < 0
        || selfStake.signum() < 0
        || pendingStake.signum() < 0
        || selfStake.compareTo(stake) > 0) {
      throw new IllegalStateException(
          "inconsistent stake reported for "
              + operator
              + ": pool "
              + stake
              + ", own "
              + selfStake
              + ", pending "
              + pendingStake);
    }
  }

  /** Ever registered (active or exited): such an account cannot register again. */
  public boolean registered() {
    return status != OperatorStatus.NONE;
  }

  public boolean active() {
    return status == OperatorStatus.ACTIVE;
  }

  /** The active stake its delegators hold in its pool. */
  public BigInteger delegatedStake() {
    return stake.subtract(selfStake);
  }
}
