package dev.trustdial.node;

import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.OperatorStatus;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's first act: register its roles with {@code stakeWei} of its own stake (adding any role it
 * lacks, e.g. TEE once it has an install), or top its own stake back up to {@code stakeWei} (after
 * a slash). Stake delegated to it by others does not count towards its own.
 */
public final class Registration {
  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  private Registration() {}

  public static void ensure(
      SettlementPort chain, Set<Role> roles, BigInteger stakeWei, String endpoint) {
    Address me = chain.account();
    OperatorInfo info = chain.operator(me);
    if (info.status() == OperatorStatus.EXITED) {
      throw new InvalidInputException(
          me
              + " left the operator set (deregistered or ejected) and cannot register again; "
              + "withdraw its stake ('trustdial chain withdraw') and run the node with a new key");
    }
    if (info.status() == OperatorStatus.NONE) {
      BigInteger min = chain.minSelfStake();
      if (stakeWei.compareTo(min) < 0) {
        throw new InvalidInputException(
            "the node's stake "
                + stakeWei
                + " wei is below the registry's minimum self-stake "
                + min
                + " wei");
      }
      chain.register(roles, me, endpoint, stakeWei);
      LOG.info("registered {} as {} with {} wei of its own stake", me, roles, stakeWei);
      return;
    }
    if (!info.roles().containsAll(roles)) {
      // Add what the config now asks for; keep roles it no longer asks for (a DA role, say, is
      // another process's).
      EnumSet<Role> union = EnumSet.copyOf(roles);
      union.addAll(info.roles());
      chain.updateOperator(union, info.signer(), endpoint);
      LOG.info("{} was registered as {}; now {}", me, info.roles(), union);
    }
    BigInteger own = chain.operator(me).selfStake();
    // Shares convert to tokens rounding down, so a topped-up pool can read a few wei short: ignore
    // dust.
    if (own.compareTo(stakeWei.subtract(stakeWei.shiftRight(20))) < 0) {
      chain.deposit(stakeWei.subtract(own));
      LOG.info("topped its own stake up by {} wei to {} wei", stakeWei.subtract(own), stakeWei);
    }
  }
}
