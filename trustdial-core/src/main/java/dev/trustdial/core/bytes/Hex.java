package dev.trustdial.core.bytes;

import dev.trustdial.core.InvalidInputException;
import java.util.HexFormat;

/** Lower-case hex with an optional {@code 0x} prefix on input and a mandatory one on output. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /** Hex without the 0x prefix. */
  public static String encodeBare(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  public static byte[] decode(String hex) {
    String s = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if ((s.length() & 1) != 0) {
      throw new InvalidInputException("hex string has an odd number of digits: " + abbreviate(hex));
    }
    try {
      return HEX.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("not a hex string: " + abbreviate(hex));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
