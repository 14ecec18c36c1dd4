package dev.trustdial.ai.receipt;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Hashes bound by receipts (docs/spec/receipt.md, "Hashes"). */
public final class TokenHashes {

  private TokenHashes() {}

  /**
   * keccak256 over the ids as consecutive uint32 big-endian words (empty list: keccak256 of
   * nothing).
   */
  public static Bytes32 tokens(int[] ids) {
    ByteBuffer b = ByteBuffer.allocate(ids.length * 4);
    for (int id : ids) {
      if (id < 0) {
        throw new IllegalArgumentException("negative token id " + id);
      }
      b.putInt(id);
    }
    return Hashes.keccak256(b.array());
  }

  /** keccak256 of the UTF-8 bytes of the text. */
  public static Bytes32 text(String text) {
    return Hashes.keccak256(text.getBytes(StandardCharsets.UTF_8));
  }
}
