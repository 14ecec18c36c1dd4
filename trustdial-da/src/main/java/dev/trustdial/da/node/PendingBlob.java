package dev.trustdial.da.node;

import dev.trustdial.core.bytes.Bytes32;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A stored blob that no certificate is known to name yet (docs/spec/da.md §7.1): who uploaded it,
 * how many bytes it holds, and when it is deleted unless a certificate is registered by then.
 */
public record PendingBlob(Bytes32 blobKey, Uploader uploader, long bytes, long deadline) {
  public PendingBlob {
    if (bytes <= 0) {
      throw new IllegalArgumentException(
          "a pending blob holds a positive number of bytes, got " + bytes);
    }
  }

  /** {@code u64 deadline || u64 bytes || uploader (UTF-8)}. */
  byte[] encodeValue() {
    byte[] u = uploader.address().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(16 + u.length).putLong(deadline).putLong(bytes).put(u).array();
  }

  static PendingBlob decode(Bytes32 blobKey, byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    long deadline = b.getLong();
    long bytes = b.getLong();
    return new PendingBlob(
        blobKey,
        new Uploader(new String(value, 16, value.length - 16, StandardCharsets.UTF_8)),
        bytes,
        deadline);
  }
}
