package dev.trustdial.da.cert;

/**
 * The confirmation threshold a certificate's signed stake must reach, in basis points of total
 * stake.
 */
public record SecurityParams(int confirmationThresholdBps) {
  public static final SecurityParams DEFAULT = new SecurityParams(6667);

  public SecurityParams {
    if (confirmationThresholdBps <= 0 || confirmationThresholdBps > 10_000) {
      throw new IllegalArgumentException(
          "confirmation threshold must be 1..10000 bps, got " + confirmationThresholdBps);
    }
  }
}
