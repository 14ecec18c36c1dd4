package dev.trustdial.tee.transcript;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One recorded fetch (docs/spec/tee-runtime.md, "Fetch transcript").
 *
 * @param certChainSha256 SHA-256 over the TLS server's certificate chain as presented (leaf first,
 *     each DER prefixed by its u32 length)
 * @param bodySha256 SHA-256 of the response body as received
 */
public record TranscriptEntry(
    long index,
    Instant time,
    String url,
    int status,
    Bytes32 certChainSha256,
    Bytes32 bodySha256,
    long bodyLength) {
  public static final int MAX_URL = 2048;

  public TranscriptEntry {
    if (index < 0 || index > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("entry index is a u32");
    }
    if (url.getBytes(StandardCharsets.UTF_8).length > MAX_URL || url.isEmpty()) {
      throw new IllegalArgumentException("URL is 1.." + MAX_URL + " bytes");
    }
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status " + status + " (100..599)");
    }
    if (bodyLength < 0 || bodyLength > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("body length is a u32");
    }
  }

  /** Copies of the digests, which are 32 bytes each. */
  public TranscriptEntry(
      long index,
      Instant time,
      String url,
      int status,
      byte[] certChainSha256,
      byte[] bodySha256,
      long bodyLength) {
    this(index, time, url, status, digest(certChainSha256), digest(bodySha256), bodyLength);
  }

  private static Bytes32 digest(byte[] b) {
    if (b.length != 32) {
      throw new IllegalArgumentException("digests are 32 bytes");
    }
    return new Bytes32(b);
  }

  /**
   * index u32 | time ms u64 | urlLen u16 | url | status u16 | certChainSha256 | bodySha256 |
   * bodyLength u32.
   */
  public byte[] encode() {
    byte[] u = url.getBytes(StandardCharsets.UTF_8);
    return new BigEndianWriter()
        .u32(index)
        .u64(time.toEpochMilli())
        .u16(u.length)
        .bytes(u)
        .u16(status)
        .bytes(certChainSha256.bytes())
        .bytes(bodySha256.bytes())
        .u32(bodyLength)
        .toByteArray();
  }
}
