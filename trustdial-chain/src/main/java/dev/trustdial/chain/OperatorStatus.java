package dev.trustdial.chain;

/** StakeRegistry.Status, in onchain order. */
public enum OperatorStatus {
  NONE,
  ACTIVE,
  /**
   * Deregistered or ejected by churn: no weight; its stakers can withdraw; the account cannot
   * register again.
   */
  EXITED;

  public static OperatorStatus fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalStateException("unknown operator status code onchain: " + code);
    }
    return values()[code];
  }
}
