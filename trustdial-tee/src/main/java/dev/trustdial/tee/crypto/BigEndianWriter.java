package dev.trustdial.tee.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the big-endian encodings of the TEE runtime and KMS formats (docs/spec/tee-runtime.md).
 */
public final class BigEndianWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public BigEndianWriter bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  public BigEndianWriter ascii(String s) {
    return bytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  public BigEndianWriter u8(int v) {
    if (v < 0 || v > 0xFF) {
      throw new IllegalArgumentException("u8 out of range: " + v);
    }
    out.write(v);
    return this;
  }

  public BigEndianWriter u16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException("u16 out of range: " + v);
    }
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  public BigEndianWriter u32(long v) {
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("u32 out of range: " + v);
    }
    for (int s = 24; s >= 0; s -= 8) {
      out.write((int) (v >>> s));
    }
    return this;
  }

  public BigEndianWriter u64(long v) {
    for (int s = 56; s >= 0; s -= 8) {
      out.write((int) (v >>> s));
    }
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
