package dev.trustdial.tee.transcript;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only, hash-chained record of the fetches an app made through its attestation agent
 * (docs/spec/tee-runtime.md, "Fetch transcript"). The head hash commits to every entry in order;
 * the agent binds it into the app's evidence, so the app cannot drop or reorder a fetch it made.
 */
public final class Transcript {
  public static final byte[] MAGIC = "TDTRANS1".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_ENTRIES = 1024;
  static final byte[] LABEL = "TrustDial transcript v1".getBytes(StandardCharsets.US_ASCII);

  /** The head of the empty transcript. */
  public static final byte[] EMPTY_HEAD = new byte[32];

  private final List<TranscriptEntry> entries = new ArrayList<>();
  private byte[] head = EMPTY_HEAD.clone();

  /** Appends one fetch record; refuses when the transcript is full. */
  public synchronized TranscriptEntry append(
      Instant time,
      String url,
      int status,
      byte[] certChainSha256,
      byte[] bodySha256,
      long bodyLength) {
    if (entries.size() >= MAX_ENTRIES) {
      throw new IllegalStateException("the transcript is full (" + MAX_ENTRIES + " entries)");
    }
    TranscriptEntry e =
        new TranscriptEntry(
            entries.size(), time, url, status, certChainSha256, bodySha256, bodyLength);
    entries.add(e);
    head = next(head, e);
    return e;
  }

  /** The head and the entry count, read together. */
  public record Head(Bytes32 hash, int entries) {}

  public synchronized Head snapshot() {
    return new Head(new Bytes32(head), entries.size());
  }

  public synchronized byte[] head() {
    return head.clone();
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized List<TranscriptEntry> entries() {
    return List.copyOf(entries);
  }

  /** head_i = SHA-256(label 0x00 head_{i-1} enc(entry_i)), head_0 = 32 zero bytes. */
  public static byte[] next(byte[] prev, TranscriptEntry e) {
    return sha256(
        new BigEndianWriter().bytes(LABEL).u8(0).bytes(prev).bytes(e.encode()).toByteArray());
  }

  public static byte[] headOf(List<TranscriptEntry> entries) {
    byte[] h = EMPTY_HEAD.clone();
    for (TranscriptEntry e : entries) {
      h = next(h, e);
    }
    return h;
  }

  /** "TDTRANS1" | count u32 | entries. */
  public synchronized byte[] encode() {
    BigEndianWriter w = new BigEndianWriter().bytes(MAGIC).u32(entries.size());
    entries.forEach(e -> w.bytes(e.encode()));
    return w.toByteArray();
  }

  /** Decodes and checks indices; the caller compares {@link #headOf} with the bound head. */
  public static List<TranscriptEntry> decode(byte[] b) {
    if (b.length
        > MAGIC.length
            + 4
            + (long) MAX_ENTRIES * (4 + 8 + 2 + TranscriptEntry.MAX_URL + 2 + 32 + 32 + 4)) {
      throw new IllegalArgumentException("transcript is " + b.length + " bytes, over the limit");
    }
    ByteBuffer in = ByteBuffer.wrap(b);
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("transcript does not start with TDTRANS1");
      }
      long n = in.getInt() & 0xFFFF_FFFFL;
      if (n > MAX_ENTRIES) {
        throw new IllegalArgumentException(
            "transcript has " + n + " entries (max " + MAX_ENTRIES + ")");
      }
      List<TranscriptEntry> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long index = in.getInt() & 0xFFFF_FFFFL;
        if (index != i) {
          throw new IllegalArgumentException("entry " + i + " says index " + index);
        }
        long ms = in.getLong();
        byte[] url = new byte[in.getShort() & 0xFFFF];
        in.get(url);
        int status = in.getShort() & 0xFFFF;
        byte[] cert = new byte[32];
        in.get(cert);
        byte[] body = new byte[32];
        in.get(body);
        long len = in.getInt() & 0xFFFF_FFFFL;
        out.add(
            new TranscriptEntry(
                index,
                Instant.ofEpochMilli(ms),
                new String(url, StandardCharsets.UTF_8),
                status,
                cert,
                body,
                len));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("transcript has " + in.remaining() + " trailing bytes");
      }
      return out;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("transcript ends early");
    }
  }

  /** SHA-256 over each certificate's u32 length and DER, leaf first. */
  public static byte[] certChainDigest(List<X509Certificate> chain) {
    BigEndianWriter w = new BigEndianWriter();
    for (X509Certificate c : chain) {
      try {
        byte[] der = c.getEncoded();
        w.u32(der.length).bytes(der);
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("a server certificate does not encode", e);
      }
    }
    return sha256(w.toByteArray());
  }

  public static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
