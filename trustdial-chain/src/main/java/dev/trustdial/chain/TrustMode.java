package dev.trustdial.chain;

import dev.trustdial.core.InvalidInputException;
import java.util.Arrays;

/** The trust model an app's developer picks; the ordinal is the onchain uint8. */
public enum TrustMode {
  TEE,
  REEXEC_INTERSUBJECTIVE,
  REEXEC_OBJECTIVE,
  ZK;

  public static TrustMode fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalStateException("unknown trust mode code onchain: " + code);
    }
    return values()[code];
  }

  public static TrustMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase().replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("unknown trust mode '" + text + "'; one of " + Arrays.toString(values()));
    }
  }
}
