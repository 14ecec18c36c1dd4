package dev.trustdial.vm.checkpoint;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.trustdial.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of a checkpoint link (docs/spec/vm.md §8.1): {@code "TDVMZST1" || u32 rawLen ||
 * one zstd frame} holding the link's bytes. The link hash is over the decompressed bytes, so it
 * does not depend on the compressor; a reader refuses a declared size above its cap before it
 * allocates or decompresses anything.
 */
public final class LinkCompression {
  public static final byte[] MAGIC = "TDVMZST1".getBytes(StandardCharsets.US_ASCII);

  /**
   * zstd's default level: about as fast as the page copy, and a checkpoint's pages compress well at
   * it.
   */
  public static final int DEFAULT_LEVEL = 3;

  private LinkCompression() {}

  public static byte[] compress(byte[] link) {
    return compress(link, DEFAULT_LEVEL);
  }

  public static byte[] compress(byte[] link, int level) {
    byte[] frame = Zstd.compress(link, level);
    return ByteBuffer.allocate(MAGIC.length + 4 + frame.length)
        .put(MAGIC)
        .putInt(link.length)
        .put(frame)
        .array();
  }

  public static boolean isCompressed(byte[] stored) {
    return stored.length >= MAGIC.length
        && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * The link bytes of a stored link: decompressed when it has the envelope, as is otherwise.
   *
   * @throws InvalidInputException when the link is larger than {@code maxLinkBytes} or the frame is
   *     not exactly the declared size
   */
  public static byte[] decompress(byte[] stored, long maxLinkBytes) {
    if (!isCompressed(stored)) {
      if (stored.length > maxLinkBytes) {
        throw new InvalidInputException(
            "checkpoint link is "
                + stored.length
                + " bytes, above the "
                + maxLinkBytes
                + "-byte limit");
      }
      return stored;
    }
    if (stored.length < MAGIC.length + 4) {
      throw new InvalidInputException(
          "compressed checkpoint link is truncated (" + stored.length + " bytes)");
    }
    long rawLen = Integer.toUnsignedLong(ByteBuffer.wrap(stored, MAGIC.length, 4).getInt());
    if (rawLen > maxLinkBytes || rawLen > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(
          "compressed checkpoint link declares "
              + rawLen
              + " bytes, above the "
              + maxLinkBytes
              + "-byte limit");
    }
    byte[] raw = new byte[(int) rawLen];
    long n;
    try {
      n =
          Zstd.decompressByteArray(
              raw, 0, raw.length, stored, MAGIC.length + 4, stored.length - MAGIC.length - 4);
    } catch (ZstdException e) {
      throw new InvalidInputException(
          "compressed checkpoint link does not decompress to its declared "
              + rawLen
              + " bytes: "
              + e.getMessage());
    }
    if (n != rawLen) {
      throw new InvalidInputException(
          "compressed checkpoint link decompresses to " + n + " bytes, not its declared " + rawLen);
    }
    return raw;
  }
}
