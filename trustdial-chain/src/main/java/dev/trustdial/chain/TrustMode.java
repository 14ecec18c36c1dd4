package dev.trustdial.chain;

import dev.trustdial.core.InvalidInputException;
import java.util.Arrays;

/**
 * The trust model an app's developer picks; {@link #code()} is the onchain uint8
 * (docs/spec/modes.md). Codes from 4 up are modes a deployment's governance registered with an
 * adapter ({@code JobManager.setModeAdapter}) that this client does not know by name: {@link
 * #OTHER}.
 */
public enum TrustMode {
  TEE(0),
  REEXEC_INTERSUBJECTIVE(1),
  REEXEC_OBJECTIVE(2),
  ZK(3),
  /**
   * A third-party mode (code 4 or more) registered by governance; nodes of this project decline its
   * jobs.
   */
  OTHER(-1);

  /** The first code of a mode that plugs in through an adapter (JobManager.FIRST_ADAPTER_MODE). */
  public static final int FIRST_ADAPTER_MODE = 3;

  private final int code;

  TrustMode(int code) {
    this.code = code;
  }

  /** The onchain code; {@link #OTHER} has none of its own. */
  public int code() {
    if (this == OTHER) {
      throw new IllegalStateException(
          "OTHER stands for any third-party mode code; it has no code of its own");
    }
    return code;
  }

  public static TrustMode fromCode(int code) {
    if (code < 0 || code > 255) {
      throw new IllegalStateException("not a trust mode code: " + code);
    }
    for (TrustMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    return OTHER;
  }

  public static TrustMode parse(String text) {
    try {
      TrustMode m = valueOf(text.trim().toUpperCase().replace('-', '_'));
      if (m == OTHER) {
        throw new IllegalArgumentException("OTHER");
      }
      return m;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "unknown trust mode '"
              + text
              + "'; one of "
              + Arrays.toString(Arrays.copyOf(values(), 4)));
    }
  }
}
