package dev.trustdial.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** StakeToken amounts: 18 decimals, like ETH. */
public final class Tokens {
  private static final BigDecimal ONE = new BigDecimal(JobParams.WAD);

  private Tokens() {}

  public static BigInteger of(long whole) {
    return BigInteger.valueOf(whole).multiply(JobParams.WAD);
  }

  public static String format(BigInteger amount) {
    return new BigDecimal(amount)
            .divide(ONE, 4, RoundingMode.DOWN)
            .stripTrailingZeros()
            .toPlainString()
        + " TDS";
  }
}
