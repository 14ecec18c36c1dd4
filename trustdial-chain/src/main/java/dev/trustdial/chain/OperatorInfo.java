package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;

/** An operator as StakeRegistry records it; {@code stake} is the active stake. */
public record OperatorInfo(
    Address operator,
    boolean registered,
    Set<Role> roles,
    Address signer,
    String endpoint,
    BigInteger stake,
    BigInteger pendingWithdrawal,
    long withdrawableAt) {
  public OperatorInfo {
    roles = Set.copyOf(roles);
    if (stake.signum() < 0 || pendingWithdrawal.signum() < 0) {
      throw new IllegalStateException("negative stake reported for " + operator);
    }
  }
}
