package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/**
 * One version of JobManager's parameters (JobManager.Params). Every job keeps the version it was
 * submitted under, court included. Fractions are WAD (1e18 = 100%); windows are seconds.
 */
public record JobParams(
    long heartbeatWindowSeconds,
    long challengeWindowSeconds,
    long maxJobDurationSeconds,
    long maxStepsLimit,
    long livenessSlashCooldownSeconds,
    int maxActiveJobs,
    BigInteger livenessSlashWad,
    BigInteger disputeSlashWad,
    BigInteger challengeBond,
    BigInteger minFee,
    BigInteger submitterDeposit,
    BigInteger reporterShareWad,
    BigInteger partyRewardWad,
    BigInteger voterRewardWad,
    Address court) {
  public static final BigInteger WAD = BigInteger.TEN.pow(18);

  /** The same checks as JobManager._setParams, so a bad config fails before any transaction. */
  public JobParams {
    if (heartbeatWindowSeconds <= 0 || challengeWindowSeconds <= 0) {
      throw new IllegalArgumentException("heartbeat and challenge windows must be positive");
    }
    if (maxJobDurationSeconds < heartbeatWindowSeconds) {
      throw new IllegalArgumentException("maxJobDuration must be at least the heartbeat window");
    }
    if (maxStepsLimit <= 0 || maxActiveJobs <= 0 || livenessSlashCooldownSeconds < 0) {
      throw new IllegalArgumentException(
          "maxStepsLimit and maxActiveJobs must be positive, the cooldown non-negative");
    }
    for (BigInteger w : new BigInteger[] {livenessSlashWad, disputeSlashWad, reporterShareWad}) {
      if (w.signum() < 0 || w.compareTo(WAD) >= 0) {
        throw new IllegalArgumentException(
            "slash fractions and the reporter share must be within [0, 1e18)");
      }
    }
    if (partyRewardWad.signum() < 0
        || voterRewardWad.signum() < 0
        || partyRewardWad.add(voterRewardWad).compareTo(WAD) > 0) {
      throw new IllegalArgumentException(
          "partyRewardWad + voterRewardWad must be within [0, 1e18]");
    }
    if (challengeBond.signum() < 0 || minFee.signum() < 0 || submitterDeposit.signum() < 0) {
      throw new IllegalArgumentException("bond, minimum fee and deposit must not be negative");
    }
  }

  /** {@code wad} of {@code amount}, rounded down as the contracts do. */
  public static BigInteger ofWad(BigInteger amount, BigInteger wad) {
    return amount.multiply(wad).divide(WAD);
  }

  /** {@code percent}% as WAD. */
  public static BigInteger percent(long percent) {
    return WAD.multiply(BigInteger.valueOf(percent)).divide(BigInteger.valueOf(100));
  }

  /**
   * Devnet defaults: windows short enough for the demo to show every path in seconds, a small fee
   * floor and deposit, 8 jobs per operator at once, one liveness slash per operator per minute. The
   * court is set by the deployer.
   */
  public static JobParams devnet() {
    return new JobParams(
        20,
        20,
        3600,
        1L << 40,
        60,
        8,
        percent(10),
        percent(50),
        Tokens.of(50),
        Tokens.of(1),
        Tokens.of(1),
        percent(50),
        percent(50),
        percent(20),
        Address.ZERO);
  }

  public JobParams withCourt(Address c) {
    return new JobParams(
        heartbeatWindowSeconds,
        challengeWindowSeconds,
        maxJobDurationSeconds,
        maxStepsLimit,
        livenessSlashCooldownSeconds,
        maxActiveJobs,
        livenessSlashWad,
        disputeSlashWad,
        challengeBond,
        minFee,
        submitterDeposit,
        reporterShareWad,
        partyRewardWad,
        voterRewardWad,
        c);
  }

  public JobParams withWindows(long heartbeatWindow, long challengeWindow) {
    return new JobParams(
        heartbeatWindow,
        challengeWindow,
        maxJobDurationSeconds,
        maxStepsLimit,
        livenessSlashCooldownSeconds,
        maxActiveJobs,
        livenessSlashWad,
        disputeSlashWad,
        challengeBond,
        minFee,
        submitterDeposit,
        reporterShareWad,
        partyRewardWad,
        voterRewardWad,
        court);
  }
}
