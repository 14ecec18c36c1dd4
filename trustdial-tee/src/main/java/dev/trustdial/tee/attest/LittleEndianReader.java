package dev.trustdial.tee.attest;

import java.util.Arrays;

/** Bounds-checked little-endian reads over evidence bytes; running off the end is Malformed. */
public final class LittleEndianReader {
  private final byte[] data;
  private final String what;
  private int pos;

  public LittleEndianReader(byte[] data, String what) {
    this.data = data;
    this.what = what;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return data.length - pos;
  }

  public byte[] bytes(int n, String field) throws VerificationFailedException {
    need(n, field);
    byte[] out = Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return out;
  }

  public int u16(String field) throws VerificationFailedException {
    need(2, field);
    int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8;
    pos += 2;
    return v;
  }

  public long u32(String field) throws VerificationFailedException {
    need(4, field);
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = v << 8 | (data[pos + i] & 0xFF);
    }
    pos += 4;
    return v;
  }

  public long u64(String field) throws VerificationFailedException {
    need(8, field);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (data[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  /** A u32 length that must not exceed what is left (and a sanity cap). */
  public int length32(String field, int max) throws VerificationFailedException {
    long n = u32(field);
    if (n > max || n > remaining()) {
      throw malformed(
          field + " is " + n + " bytes but " + Math.min(max, remaining()) + " are allowed");
    }
    return (int) n;
  }

  private void need(int n, String field) throws VerificationFailedException {
    if (n < 0 || n > remaining()) {
      throw malformed(
          what
              + " ends before "
              + field
              + " (needs "
              + n
              + " bytes at offset "
              + pos
              + ", "
              + remaining()
              + " left)");
    }
  }

  private VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
