package dev.trustdial.chain;

import java.util.EnumSet;
import java.util.Set;

/** Operator roles, a bitmask onchain (StakeRegistry.ROLE_*). */
public enum Role {
  COMPUTE(1),
  DA(2),
  VERIFIER(4),
  /**
   * Runs TEE apps' jobs (a TEE install and a KMS to reach); TEE jobs are assigned only among these.
   */
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

  /** The role with this single bit (an event's or a pin's role). */
  public static Role fromBit(int bit) {
    for (Role r : values()) {
      if (r.bit == bit) {
        return r;
      }
    }
    throw new IllegalStateException("not a single role bit onchain: " + bit);
  }

  /** Parses a role name (case-insensitive), for the CLI. */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(text.trim())) {
        return r;
      }
    }
    throw new dev.trustdial.core.InvalidInputException(
        "unknown role '" + text + "'; one of " + java.util.Arrays.toString(values()));
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
