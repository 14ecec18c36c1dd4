package dev.trustdial.node;

import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node's first act: register its roles (adding any it lacks, e.g. TEE once it has an install) and top its stake up. */
public final class Registration {
  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  private Registration() {}

  public static void ensure(Settlement chain, Set<Role> roles, BigInteger stakeWei, String endpoint) {
    Address me = chain.account();
    OperatorInfo info = chain.operator(me);
    if (!info.registered()) {
      chain.register(roles, me, endpoint);
      LOG.info("registered {} as {}", me, roles);
    } else if (!info.roles().containsAll(roles)) {
      // Add what the config now asks for; keep roles it no longer asks for (a DA role, say, is another process's).
      java.util.EnumSet<Role> union = java.util.EnumSet.copyOf(roles);
      union.addAll(info.roles());
      chain.updateOperator(union, info.signer(), endpoint);
      LOG.info("{} was registered as {}; now {}", me, info.roles(), union);
    }
    BigInteger have = chain.operator(me).stake();
    if (have.compareTo(stakeWei) < 0) {
      chain.deposit(stakeWei.subtract(have));
      LOG.info("staked {} wei", stakeWei.subtract(have));
    }
  }
}
