package dev.trustdial.explorer.store;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/** An operator's registration and the sums of its stake and work events. */
public record OperatorRow(
    Address address,
    String roles,
    String signer,
    String endpoint,
    long registeredTime,
    boolean exited,
    BigInteger ownStake,
    BigInteger delegatedStake,
    BigInteger queuedOut,
    BigInteger slashed,
    BigInteger slashedActive,
    int slashes,
    int assignments,
    int paid,
    int heartbeats,
    int missed,
    Optional<Long> lastHeartbeat) {

  /**
   * Own plus delegated stake, less queued withdrawals and what slashes took from the active pool.
   */
  public BigInteger activeStake() {
    BigInteger a = ownStake.add(delegatedStake).subtract(queuedOut).subtract(slashedActive);
    return a.signum() < 0 ? BigInteger.ZERO : a;
  }
}
