package dev.trustdial.tee.nitro;

import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict CBOR decoder for attestation documents: definite and indefinite lengths, no floats,
 * integer or text map keys only, no duplicate keys, bounded nesting and sizes, no trailing bytes.
 * Byte strings are returned exactly as encoded (indefinite ones concatenated), so COSE can sign
 * over the original payload bytes.
 */
final class CborReader {
  static final int MAX_DEPTH = 16;
  static final int MAX_ITEMS = 4096;

  private static final int BREAK = 0xFF;

  private final byte[] in;
  private int pos;
  private int items;

  private CborReader(byte[] in) {
    this.in = in;
  }

  /** Decodes exactly one data item spanning all of {@code in}. */
  static CborValue decode(byte[] in, String what) throws VerificationFailedException {
    var r = new CborReader(in);
    try {
      CborValue v = r.item(0);
      if (r.pos != in.length) {
        throw new VerificationFailedException(
            new Failure.Malformed(
                what + ": " + (in.length - r.pos) + " trailing bytes after the CBOR item"));
      }
      return v;
    } catch (VerificationFailedException e) {
      throw new VerificationFailedException(new Failure.Malformed(what + ": " + detail(e)));
    }
  }

  private static String detail(VerificationFailedException e) {
    return e.failure() instanceof Failure.Malformed m ? m.detail() : e.getMessage();
  }

  private CborValue item(int depth) throws VerificationFailedException {
    if (depth > MAX_DEPTH) {
      throw bad("nesting deeper than " + MAX_DEPTH);
    }
    if (++items > MAX_ITEMS) {
      throw bad("more than " + MAX_ITEMS + " data items");
    }
    int initial = u8();
    int major = initial >>> 5;
    int info = initial & 0x1F;
    if (initial == BREAK) {
      throw bad("unexpected break at offset " + (pos - 1));
    }
    return switch (major) {
      case 0 -> new CborValue.UInt(nonNegative(argument(info)));
      case 1 -> new CborValue.NInt(-1 - nonNegative(argument(info)));
      case 2 -> new CborValue.Bytes(string(info, 2));
      case 3 -> new CborValue.Text(utf8(string(info, 3)));
      case 4 -> array(info, depth);
      case 5 -> map(info, depth);
      case 6 -> new CborValue.Tagged(argument(info), item(depth + 1));
      default -> simple(info);
    };
  }

  private CborValue array(int info, int depth) throws VerificationFailedException {
    List<CborValue> out = new ArrayList<>();
    if (info == 31) {
      while (peek() != BREAK) {
        out.add(item(depth + 1));
      }
      pos++;
    } else {
      long n = count(argument(info));
      for (long i = 0; i < n; i++) {
        out.add(item(depth + 1));
      }
    }
    return new CborValue.Array(List.copyOf(out));
  }

  private CborValue map(int info, int depth) throws VerificationFailedException {
    Map<Object, CborValue> out = new LinkedHashMap<>();
    boolean indefinite = info == 31;
    long n = indefinite ? Long.MAX_VALUE : count(argument(info));
    for (long i = 0; i < n; i++) {
      if (indefinite && peek() == BREAK) {
        pos++;
        break;
      }
      int at = pos;
      Object key =
          switch (item(depth + 1)) {
            case CborValue.UInt u -> u.value();
            case CborValue.NInt ni -> ni.value();
            case CborValue.Text t -> t.value();
            default -> throw bad("map key at offset " + at + " is not an integer or text");
          };
      if (out.put(key, item(depth + 1)) != null) {
        throw bad("duplicate map key " + key);
      }
    }
    return new CborValue.MapValue(java.util.Collections.unmodifiableMap(out));
  }

  private byte[] string(int info, int major) throws VerificationFailedException {
    if (info != 31) {
      long n = argument(info);
      // An 8-byte length may have its top bit set: negative as a long, and never honest.
      if (n < 0 || n > in.length - pos) {
        throw bad("string of " + Long.toUnsignedString(n) + " bytes runs past the end");
      }
      byte[] b = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
      pos += (int) n;
      return b;
    }
    // Indefinite length: definite chunks of the same major type until break.
    var out = new ByteArrayOutputStream();
    while (peek() != BREAK) {
      int h = u8();
      if (h >>> 5 != major || (h & 0x1F) == 31) {
        throw bad("indefinite string chunk of the wrong type at offset " + (pos - 1));
      }
      out.writeBytes(string(h & 0x1F, major));
      if (++items > MAX_ITEMS) {
        throw bad("more than " + MAX_ITEMS + " data items");
      }
    }
    pos++;
    return out.toByteArray();
  }

  private CborValue simple(int info) throws VerificationFailedException {
    if (info >= 20 && info <= 23) {
      return new CborValue.Simple(info);
    }
    throw bad("floats and simple value " + info + " are not used by attestation documents");
  }

  private long argument(int info) throws VerificationFailedException {
    if (info < 24) {
      return info;
    }
    int n =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          case 27 -> 8;
          default -> throw bad("reserved additional information " + info);
        };
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | u8();
    }
    return v;
  }

  private long count(long n) throws VerificationFailedException {
    // Every element takes at least one byte: a larger count cannot be honest.
    if (n < 0 || n > in.length - pos) {
      throw bad("container of " + Long.toUnsignedString(n) + " elements runs past the end");
    }
    return n;
  }

  private static long nonNegative(long v) throws VerificationFailedException {
    if (v < 0) {
      throw bad("integer beyond 2^63-1");
    }
    return v;
  }

  private String utf8(byte[] b) throws VerificationFailedException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("text string is not UTF-8");
    }
  }

  private int peek() throws VerificationFailedException {
    if (pos >= in.length) {
      throw bad("ends inside an indefinite-length item");
    }
    return in[pos] & 0xFF;
  }

  private int u8() throws VerificationFailedException {
    if (pos >= in.length) {
      throw bad("ends early at offset " + pos);
    }
    return in[pos++] & 0xFF;
  }

  private static VerificationFailedException bad(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
