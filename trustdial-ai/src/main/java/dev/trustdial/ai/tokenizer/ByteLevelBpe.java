package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * GPT-2 byte-level BPE (GPT-2, Llama 3, Qwen2/3): pre-tokenize with the model's regex, map each
 * word's UTF-8 bytes to printable code points, then apply ranked merges (lowest rank first, ties
 * leftmost). Mirrors llama.cpp's BPE tokenizer.
 */
public final class ByteLevelBpe implements Tokenizer {

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final Map<Character, Byte> CHAR_TO_BYTE = new HashMap<>();

  static {
    // GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to 256+n.
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable =
          (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      BYTE_TO_CHAR[b] = (char) (printable ? b : 256 + n++);
      CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], (byte) b);
    }
  }

  private record Pair(String left, String right) {}

  private final Vocabulary vocab;
  private final PreTokenizer pre;
  private final Map<Pair, Integer> ranks;
  private final SpecialTokenSplitter splitter;
  private final Bytes32 digest;

  /**
   * BPE of a word is a pure function of the word, so results are memoized (bounded; cleared when
   * full).
   */
  private final Map<String, int[]> wordCache = new java.util.concurrent.ConcurrentHashMap<>();

  private static final int WORD_CACHE_LIMIT = 1 << 16;

  public ByteLevelBpe(Vocabulary vocab, List<String> merges, PreTokenizer pre) {
    this.vocab = vocab;
    this.pre = pre;
    Map<Pair, Integer> r = new HashMap<>(merges.size() * 2);
    for (int i = 0; i < merges.size(); i++) {
      String m = merges.get(i);
      int sp = m.indexOf(' ', 1);
      if (sp < 0) {
        throw new InvalidInputException(
            "tokenizer: merge #" + i + " '" + m + "' has no separating space");
      }
      r.putIfAbsent(new Pair(m.substring(0, sp), m.substring(sp + 1)), i);
    }
    this.ranks = r;
    this.splitter = new SpecialTokenSplitter(vocab);
    this.digest = TokenizerDigest.of("gpt2", pre.name(), vocab, merges);
  }

  @Override
  public String model() {
    return "gpt2";
  }

  public PreTokenizer preTokenizer() {
    return pre;
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
    for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
      switch (f) {
        case SpecialTokenSplitter.Raw(String raw) -> {
          for (String word : pre.split(raw)) {
            int[] ids = wordCache.get(word);
            if (ids == null) {
              IntList w = new IntList();
              bpe(byteEncode(word), w);
              ids = w.toArray();
              if (wordCache.size() >= WORD_CACHE_LIMIT) {
                wordCache.clear();
              }
              wordCache.put(word, ids);
            }
            for (int id : ids) {
              out.add(id);
            }
          }
        }
        case SpecialTokenSplitter.Special(int token) -> out.add(token);
      }
    }
    if (addSpecial && sp.addEos() && sp.eos() >= 0) {
      out.add(sp.eos());
    }
    return out.toArray();
  }

  static String byteEncode(String word) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    char[] cs = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      cs[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(cs);
  }

  private record Bigram(int left, int right, int rank, String text) {}

  private void bpe(String word, IntList out) {
    if (pre.ignoreMerges()) {
      int whole = vocab.idOrMinusOne(word);
      if (whole >= 0) {
        out.add(whole);
        return;
      }
    }
    int n = word.length(); // byte-encoded text is all BMP chars, one per byte
    int[] start = new int[n];
    int[] len = new int[n];
    int[] prev = new int[n];
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      start[i] = i;
      len[i] = 1;
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    PriorityQueue<Bigram> queue =
        new PriorityQueue<>((a, b) ->
            a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
    for (int i = 1; i < n; i++) {
      addBigram(word, start, len, i - 1, i, queue);
    }
    while (!queue.isEmpty()) {
      Bigram b = queue.poll();
      if (len[b.left] == 0 || len[b.right] == 0) {
        continue;
      }
      String current =
          word.substring(start[b.left], start[b.left] + len[b.left])
              + word.substring(start[b.right], start[b.right] + len[b.right]);
      if (!current.equals(b.text)) {
        continue; // outdated: a side changed since this pair was queued
      }
      len[b.left] += len[b.right];
      len[b.right] = 0;
      next[b.left] = next[b.right];
      if (next[b.right] >= 0) {
        prev[next[b.right]] = b.left;
      }
      addBigram(word, start, len, prev[b.left], b.left, queue);
      addBigram(word, start, len, b.left, next[b.left], queue);
    }
    for (int i = 0; n > 0 && i != -1; i = next[i]) {
      String piece = word.substring(start[i], start[i] + len[i]);
      int id = vocab.idOrMinusOne(piece);
      if (id >= 0) {
        out.add(id);
      } else {
        for (int j = 0; j < piece.length(); j++) {
          int single = vocab.idOrMinusOne(piece.substring(j, j + 1));
          if (single >= 0) {
            out.add(single);
          }
        }
      }
    }
  }

  private void addBigram(
      String word, int[] start, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
    if (left < 0 || right < 0) {
      return;
    }
    String l = word.substring(start[left], start[left] + len[left]);
    String r = word.substring(start[right], start[right] + len[right]);
    Integer rank = ranks.get(new Pair(l, r));
    if (rank != null) {
      queue.add(new Bigram(left, right, rank, l + r));
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
      case NORMAL -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
          Byte b = CHAR_TO_BYTE.get(text.charAt(i));
          if (b != null) {
            out.write(b);
          } else {
            out.writeBytes(String.valueOf(text.charAt(i)).getBytes(StandardCharsets.UTF_8));
          }
        }
        yield out.toByteArray();
      }
      case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
      case CONTROL -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
      case UNKNOWN, BYTE, UNUSED, UNDEFINED -> new byte[0];
    };
  }
}
