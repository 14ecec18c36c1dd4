package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE over scored pieces (llama, tok512): split into code points, repeatedly
 * merge the adjacent pair whose concatenation is the highest-scoring piece (ties: leftmost), then
 * map pieces not in the vocabulary to byte tokens {@code <0xHH>}. Mirrors llama.cpp's SPM
 * tokenizer.
 */
public final class SentencePieceBpe implements Tokenizer {

  static final char SPACE = '\u2581';

  private final Vocabulary vocab;
  private final SpecialTokenSplitter splitter;
  private final int[] byteTokens = new int[256];
  private final Bytes32 digest;

  public SentencePieceBpe(Vocabulary vocab) {
    this.vocab = vocab;
    this.splitter = new SpecialTokenSplitter(vocab);
    for (int b = 0; b < 256; b++) {
      int id = vocab.idOrMinusOne(String.format("<0x%02X>", b));
      byteTokens[b] = id >= 0 ? id : vocab.special().unk();
    }
    this.digest = TokenizerDigest.of("llama", "", vocab, List.of());
  }

  @Override
  public String model() {
    return "llama";
  }

  @Override
  public Vocabulary vocabulary() {
    return vocab;
  }

  @Override
  public Bytes32 digest() {
    return digest;
  }

  @Override
  public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new InvalidInputException(
          "text of " + text.length() + " chars exceeds the tokenizer limit " + MAX_TEXT_CHARS);
    }
    Vocabulary.SpecialTokens sp = vocab.special();
    IntList out = new IntList();
    if (addSpecial && sp.addBos() && sp.bos() >= 0) {
      out.add(sp.bos());
    }
    boolean prevSpecial =
        true; // a dummy space prefix goes on the first raw fragment and after specials
    for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
      switch (f) {
        case SpecialTokenSplitter.Raw(String raw) -> {
          String s = (sp.addSpacePrefix() && prevSpecial ? " " : "") + raw;
          bpe(s.replace(' ', SPACE), out);
          prevSpecial = false;
        }
        case SpecialTokenSplitter.Special(int token) -> {
          out.add(token);
          prevSpecial = true;
        }
      }
    }
    if (addSpecial && sp.addEos() && sp.eos() >= 0) {
      out.add(sp.eos());
    }
    return out.toArray();
  }

  private record Bigram(int left, int right, float score, int size) {}

  private void bpe(String text, IntList out) {
    int n = text.codePointCount(0, text.length());
    if (n == 0) {
      return;
    }
    int[] start = new int[n];
    int[] len = new int[n];
    int[] prev = new int[n];
    int[] next = new int[n];
    for (int i = 0, pos = 0; i < n; i++) {
      int cp = text.codePointAt(pos);
      start[i] = pos;
      len[i] = Character.charCount(cp);
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
      pos += len[i];
    }
    PriorityQueue<Bigram> queue =
        new PriorityQueue<>((a, b) ->
            a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
    for (int i = 1; i < n; i++) {
      addBigram(text, start, len, i - 1, i, queue);
    }
    while (!queue.isEmpty()) {
      Bigram b = queue.poll();
      if (len[b.left] == 0 || len[b.right] == 0 || len[b.left] + len[b.right] != b.size) {
        continue; // one side already merged into something else
      }
      len[b.left] += len[b.right];
      len[b.right] = 0;
      next[b.left] = next[b.right];
      if (next[b.right] >= 0) {
        prev[next[b.right]] = b.left;
      }
      addBigram(text, start, len, prev[b.left], b.left, queue);
      addBigram(text, start, len, b.left, next[b.left], queue);
    }
    for (int i = 0; i != -1; i = next[i]) {
      String piece = text.substring(start[i], start[i] + len[i]);
      int id = vocab.idOrMinusOne(piece);
      if (id >= 0) {
        out.add(id);
      } else {
        // merged pieces are always in the vocabulary, so only single code points fall back to bytes
        assert piece.codePointCount(0, piece.length()) == 1;
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
          int t = byteTokens[b & 0xFF];
          if (t < 0) {
            throw new InvalidInputException(
                "tokenizer: no byte token <0x"
                    + String.format("%02X", b & 0xFF)
                    + "> and no <unk>");
          }
          out.add(t);
        }
      }
    }
  }

  private void addBigram(
      String text, int[] start, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
    if (left < 0 || right < 0) {
      return;
    }
    assert start[left] + len[left] == start[right];
    int size = len[left] + len[right];
    int id = vocab.idOrMinusOne(text.substring(start[left], start[left] + size));
    if (id >= 0) {
      queue.add(new Bigram(left, right, vocab.score(id), size));
    }
  }

  @Override
  public byte[] pieceBytes(int token, boolean renderSpecial) {
    if (!vocab.isValid(token)) {
      throw new InvalidInputException(
          "token id " + token + " outside the vocabulary of " + vocab.size());
    }
    String text = vocab.text(token);
    return switch (vocab.type(token)) {
      case NORMAL, USER_DEFINED -> text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
      case BYTE -> new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
      case UNKNOWN -> "\u2585".getBytes(StandardCharsets.UTF_8); // what llama.cpp prints for <unk>
      case CONTROL -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
      case UNUSED, UNDEFINED -> new byte[0];
    };
  }
}
