package dev.trustdial.core.bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable byte string of any length: a record component that would otherwise be a {@code
 * byte[]} (and so need a defensive copy in and out and a hand-written equals/hashCode). {@link #of}
 * copies in, {@link #toArray} copies out; equality is by content.
 */
public final class Bytes implements Comparable<Bytes> {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] owned) {
    this.bytes = owned;
  }

  /** A copy of {@code bytes}: later writes to the array do not change this value. */
  public static Bytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of {@code bytes[from, to)}. */
  public static Bytes of(byte[] bytes, int from, int to) {
    Objects.checkFromToIndex(from, to, bytes.length);
    return from == to ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, from, to));
  }

  /** Hex with or without the {@code 0x} prefix; see {@link Hex#decode}. */
  public static Bytes fromHex(String hex) {
    return new Bytes(Hex.decode(hex));
  }

  /** A fresh copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  public byte get(int index) {
    return bytes[index];
  }

  /** The bytes {@code [from, to)} as their own value. */
  public Bytes slice(int from, int to) {
    return of(bytes, from, to);
  }

  /** Copies the bytes into {@code dst} at {@code offset} without an intermediate copy. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, bytes.length);
  }

  /** Copies {@code length} bytes from {@code from} into {@code dst} at {@code dstOffset}. */
  public void copyTo(int from, byte[] dst, int dstOffset, int length) {
    System.arraycopy(bytes, from, dst, dstOffset, length);
  }

  /** Puts the bytes into {@code dst} at its position, advancing it. */
  public void copyTo(ByteBuffer dst) {
    dst.put(bytes);
  }

  public boolean startsWith(byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  public boolean isAllZero() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex with a {@code 0x} prefix. */
  public String toHex() {
    return Hex.encode(bytes);
  }

  /** Lower-case hex without a prefix. */
  public String toBareHex() {
    return Hex.encodeBare(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Unsigned lexicographic order, a shorter prefix first. */
  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  /** {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }
}
