package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.bytes.Bytes32;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * sha256 over the canonical tokenizer encoding of docs/spec/receipt.md: what decides token ids,
 * independent of the file it came from (tok512.bin and stories260K.gguf give the same digest).
 */
final class TokenizerDigest {

  static final String DOMAIN = "trustdial.tokenizer.v1";

  private TokenizerDigest() {}

  static Bytes32 of(String model, String pre, Vocabulary v, List<String> merges) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer num = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    md.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
    str(md, num, model);
    str(md, num, pre);
    u32(md, num, v.size());
    for (int i = 0; i < v.size(); i++) {
      str(md, num, v.text(i));
      u32(md, num, Float.floatToRawIntBits(v.score(i)));
      md.update((byte) v.type(i).id());
    }
    u32(md, num, merges.size());
    for (String m : merges) {
      str(md, num, m);
    }
    Vocabulary.SpecialTokens s = v.special();
    u32(md, num, s.bos());
    u32(md, num, s.eos());
    u32(md, num, s.unk());
    u32(md, num, s.eot());
    md.update((byte) (s.addBos() ? 1 : 0));
    md.update((byte) (s.addEos() ? 1 : 0));
    md.update((byte) (s.addSpacePrefix() ? 1 : 0));
    int[] rstrip = v.rstripTokens();
    if (rstrip.length
        > 0) { // absent for the tokenizers without any, so their digests stay as they were
      u32(md, num, rstrip.length);
      for (int id : rstrip) {
        u32(md, num, id);
      }
    }
    return new Bytes32(md.digest());
  }

  private static void u32(MessageDigest md, ByteBuffer num, int v) {
    md.update(num.putInt(0, v).array());
  }

  private static void str(MessageDigest md, ByteBuffer num, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u32(md, num, b.length);
    md.update(b);
  }
}
