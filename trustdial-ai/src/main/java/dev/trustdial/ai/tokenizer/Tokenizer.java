package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.bytes.Bytes32;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public sealed interface Tokenizer permits SentencePieceBpe, ByteLevelBpe {

  /** Longest text accepted by {@link #encode}, in UTF-16 units. */
  int MAX_TEXT_CHARS = 1 << 22;

  /**
   * Encodes text. {@code addSpecial} adds BOS (and EOS) as the vocabulary asks; {@code
   * parseSpecial} turns control-token text such as {@code <|im_start|>} into its id (user-defined
   * tokens are always matched, as in llama.cpp).
   */
  int[] encode(String text, boolean addSpecial, boolean parseSpecial);

  /**
   * The bytes a token stands for; control tokens give their text only when {@code renderSpecial}.
   */
  byte[] pieceBytes(int token, boolean renderSpecial);

  Vocabulary vocabulary();

  /** "llama" (SentencePiece BPE) or "gpt2" (byte-level BPE), as in {@code tokenizer.ggml.model}. */
  String model();

  /** sha256 of the canonical tokenizer encoding (docs/spec/receipt.md, "Tokenizer digest"). */
  Bytes32 digest();

  /** Tokens that end generation: EOS and EOT where present. */
  default Set<Integer> stopTokens() {
    Vocabulary.SpecialTokens s = vocabulary().special();
    java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
    if (s.eos() >= 0) {
      out.add(s.eos());
    }
    if (s.eot() >= 0) {
      out.add(s.eot());
    }
    return Set.copyOf(out);
  }

  /** Decodes ids to text; invalid UTF-8 becomes U+FFFD. Control tokens are dropped. */
  default String decode(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int t : tokens) {
      out.writeBytes(pieceBytes(t, false));
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
