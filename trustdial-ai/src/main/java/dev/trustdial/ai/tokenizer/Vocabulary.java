package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.InvalidInputException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Token strings, scores and types with the special ids. Immutable. Token text is as stored in GGUF:
 * SentencePiece spaces are U+2581, GPT-2 bytes are the byte-to-unicode mapping.
 */
public final class Vocabulary {

  /** Upper bound on vocabulary size accepted from a file. */
  public static final int MAX_TOKENS = 1 << 20;

  private final List<String> tokens;
  private final float[] scores;
  private final TokenType[] types;
  private final Map<String, Integer> index;
  private final SpecialTokens special;
  private final int[] rstripTokens;

  /** Ids of special tokens; -1 where the vocabulary has none. */
  public record SpecialTokens(
      int bos, int eos, int unk, int eot, boolean addBos, boolean addEos, boolean addSpacePrefix) {}

  public Vocabulary(List<String> tokens, float[] scores, TokenType[] types, SpecialTokens special) {
    this(tokens, scores, types, special, new int[0]);
  }

  /**
   * With {@code rstripTokens}: special tokens that swallow the whitespace after them when a text is
   * split around special tokens (Phi-3's chat tokens, as llama.cpp's RSTRIP attribute).
   */
  public Vocabulary(
      List<String> tokens,
      float[] scores,
      TokenType[] types,
      SpecialTokens special,
      int[] rstripTokens) {
    this.tokens = List.copyOf(tokens);
    int n = this.tokens.size();
    if (n == 0 || n > MAX_TOKENS) {
      throw new InvalidInputException(
          "tokenizer: vocabulary size " + n + " outside 1.." + MAX_TOKENS);
    }
    if (scores.length != n || types.length != n) {
      throw new InvalidInputException(
          "tokenizer: "
              + n
              + " tokens but "
              + scores.length
              + " scores and "
              + types.length
              + " types");
    }
    this.scores = scores.clone();
    this.types = types.clone();
    this.special = Objects.requireNonNull(special);
    for (int id : new int[] {special.bos(), special.eos(), special.unk(), special.eot()}) {
      if (id < -1 || id >= n) {
        throw new InvalidInputException(
            "tokenizer: special token id " + id + " outside the vocabulary of " + n);
      }
    }
    Map<String, Integer> idx = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      idx.putIfAbsent(this.tokens.get(i), i); // first id wins on duplicate text, as in llama.cpp
    }
    this.index = Collections.unmodifiableMap(idx);
    this.rstripTokens = rstripTokens.clone();
    java.util.Arrays.sort(this.rstripTokens);
    for (int id : this.rstripTokens) {
      if (id < 0 || id >= n) {
        throw new InvalidInputException(
            "tokenizer: rstrip token id " + id + " outside the vocabulary of " + n);
      }
    }
  }

  /** Ids of the tokens that swallow the whitespace after them, ascending; usually none. */
  public int[] rstripTokens() {
    return rstripTokens.clone();
  }

  boolean rstrip(int id) {
    return java.util.Arrays.binarySearch(rstripTokens, id) >= 0;
  }

  public int size() {
    return tokens.size();
  }

  public String text(int id) {
    return tokens.get(id);
  }

  public List<String> tokens() {
    return tokens;
  }

  public float score(int id) {
    return scores[id];
  }

  public TokenType type(int id) {
    return types[id];
  }

  public Optional<Integer> id(String text) {
    return Optional.ofNullable(index.get(text));
  }

  /** -1 when absent; for hot loops. */
  int idOrMinusOne(String text) {
    Integer i = index.get(text);
    return i == null ? -1 : i;
  }

  public SpecialTokens special() {
    return special;
  }

  public boolean isValid(int id) {
    return id >= 0 && id < tokens.size();
  }
}
