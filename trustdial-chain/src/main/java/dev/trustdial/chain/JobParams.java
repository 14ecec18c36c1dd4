package dev.trustdial.chain;

import java.math.BigInteger;

/** JobManager's protocol parameters. Slash fractions are WAD (1e18 = 100%). */
public record JobParams(
    long heartbeatWindowSeconds,
    long challengeWindowSeconds,
    BigInteger livenessSlashWad,
    BigInteger disputeSlashWad,
    BigInteger challengeBond,
    long maxStepsLimit) {
  public static final BigInteger WAD = BigInteger.TEN.pow(18);

  public JobParams {
    if (heartbeatWindowSeconds <= 0 || challengeWindowSeconds <= 0) {
      throw new IllegalArgumentException("windows must be positive");
    }
    if (livenessSlashWad.signum() < 0 || livenessSlashWad.compareTo(WAD) > 0
        || disputeSlashWad.signum() < 0 || disputeSlashWad.compareTo(WAD) > 0) {
      throw new IllegalArgumentException("slash fractions must be within [0, 1e18]");
    }
  }

  /** Devnet defaults: short windows so the demo shows every path in seconds. */
  public static JobParams devnet() {
    return new JobParams(20, 20, WAD.divide(BigInteger.TEN), WAD.divide(BigInteger.valueOf(2)),
        Tokens.of(50), 1L << 40);
  }
}
