package dev.trustdial.chain;

import java.util.EnumSet;
import java.util.Set;

/** Operator roles, a bitmask onchain (StakeRegistry.ROLE_*). */
public enum Role {
  COMPUTE(1),
  DA(2),
  VERIFIER(4),
  /** Runs TEE apps' jobs (a TEE install and a KMS to reach); TEE jobs are assigned only among these. */
  TEE(8);

  private final int bit;

  Role(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  public static int mask(Set<Role> roles) {
    int m = 0;
    for (Role r : roles) {
      m |= r.bit;
    }
    return m;
  }

  public static Set<Role> fromMask(int mask) {
    EnumSet<Role> s = EnumSet.noneOf(Role.class);
    for (Role r : values()) {
      if ((mask & r.bit) != 0) {
        s.add(r);
      }
    }
    return s;
  }
}
