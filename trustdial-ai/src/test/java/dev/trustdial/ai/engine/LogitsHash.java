package dev.trustdial.ai.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 of the IEEE bits of a logits vector: equal hashes mean bit-identical logits. */
final class LogitsHash {
  private LogitsHash() {}

  static String of(float[] logits) {
    ByteBuffer buf = ByteBuffer.allocate(4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : logits) {
      buf.putInt(Float.floatToRawIntBits(f));
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
