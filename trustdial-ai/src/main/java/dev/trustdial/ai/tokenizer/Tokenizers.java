package dev.trustdial.ai.tokenizer;

import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Builds tokenizers from GGUF metadata or a llama2.c tokenizer file. */
public final class Tokenizers {

  private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-F]{2}>");

  /** llama2.c tokenizer files are tiny; this bounds a hostile one. */
  static final long MAX_LLAMA2C_BYTES = 64L << 20;

  private Tokenizers() {}

  public static Tokenizer fromGguf(GgufFile gguf) {
    String model = gguf.requireString("tokenizer.ggml.model");
    List<String> tokens =
        gguf.stringArray("tokenizer.ggml.tokens")
            .orElseThrow(
                () -> new InvalidInputException("GGUF: missing metadata 'tokenizer.ggml.tokens'"));
    int n = tokens.size();
    float[] scores = gguf.floatArray("tokenizer.ggml.scores").orElseGet(() -> new float[n]);
    int[] typeIds =
        gguf.intArray("tokenizer.ggml.token_type")
            .orElseGet(() -> {
              int[] t = new int[n];
              Arrays.fill(t, TokenType.NORMAL.id());
              return t;
            });
    if (typeIds.length != n) {
      throw new InvalidInputException(
          "GGUF: " + n + " tokens but " + typeIds.length + " token types");
    }
    TokenType[] types = new TokenType[n];
    for (int i = 0; i < n; i++) {
      types[i] = TokenType.fromId(typeIds[i]);
    }
    boolean spm =
        switch (model) {
          case "llama" -> true;
          case "gpt2" -> false;
          default ->
              throw new InvalidInputException(
                  "tokenizer: unsupported tokenizer model '" + model + "' (llama, gpt2)");
        };
    int eot = optionalId(gguf, "tokenizer.ggml.eot_token_id", n);
    if (eot < 0) {
      // Chat models often end turns with a control token the metadata does not name.
      for (String t :
          List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>")) {
        int id = tokens.indexOf(t);
        if (id >= 0 && types[id] == TokenType.CONTROL) {
          eot = id;
          break;
        }
      }
    }
    Vocabulary.SpecialTokens special =
        new Vocabulary.SpecialTokens(
            optionalId(gguf, "tokenizer.ggml.bos_token_id", n),
            optionalId(gguf, "tokenizer.ggml.eos_token_id", n),
            optionalId(gguf, "tokenizer.ggml.unknown_token_id", n),
            eot,
            gguf.bool("tokenizer.ggml.add_bos_token").orElse(spm),
            gguf.bool("tokenizer.ggml.add_eos_token").orElse(false),
            gguf.bool("tokenizer.ggml.add_space_prefix").orElse(spm));
    Vocabulary vocab =
        new Vocabulary(tokens, scores, types, special, rstripTokens(gguf, tokens, types));
    if (spm) {
      checkBytePieces(vocab);
      return new SentencePieceBpe(vocab);
    }
    List<String> merges =
        gguf.stringArray("tokenizer.ggml.merges")
            .orElseThrow(() ->
                new InvalidInputException("GGUF: gpt2 tokenizer without 'tokenizer.ggml.merges'"));
    return new ByteLevelBpe(
        vocab, merges, PreTokenizer.forName(gguf.string("tokenizer.ggml.pre").orElse("default")));
  }

  /**
   * Phi-3's chat tokens swallow the whitespace after them (its tokenizer's rstrip): every control
   * and user-defined token except {@code <unk>}, {@code <s>} and {@code <|endoftext|>}. llama.cpp
   * does this when general.name contains "phi-3" or "phi3"; we also do it for the phi3
   * architecture.
   */
  private static int[] rstripTokens(GgufFile gguf, List<String> tokens, TokenType[] types) {
    String name = gguf.string("general.name").orElse("").toLowerCase(java.util.Locale.ROOT);
    boolean phi3 =
        gguf.string("general.architecture").orElse("").equals("phi3")
            || name.contains("phi-3")
            || name.contains("phi3");
    if (!phi3) {
      return new int[0];
    }
    List<String> keep = List.of("<unk>", "<s>", "<|endoftext|>");
    return java.util.stream.IntStream.range(0, tokens.size())
        .filter(i ->
            (types[i] == TokenType.CONTROL
                    || types[i] == TokenType.USER_DEFINED
                    || types[i] == TokenType.UNKNOWN)
                && !keep.contains(tokens.get(i)))
        .toArray();
  }

  /**
   * Ids stored as UINT32 use 0xFFFFFFFF for "none"; anything else must be inside the vocabulary.
   */
  private static int optionalId(GgufFile gguf, String key, int n) {
    long v = gguf.integer(key).orElse(-1L);
    if (v == -1 || v == 0xFFFF_FFFFL) {
      return -1;
    }
    if (v < 0 || v >= n) {
      throw new InvalidInputException(
          "GGUF: " + key + " = " + v + " is outside the vocabulary of " + n);
    }
    return (int) v;
  }

  private static void checkBytePieces(Vocabulary v) {
    for (int i = 0; i < v.size(); i++) {
      if (v.type(i) == TokenType.BYTE && !BYTE_PIECE.matcher(v.text(i)).matches()) {
        throw new InvalidInputException(
            "tokenizer: byte token " + i + " is '" + v.text(i) + "', not <0xHH>");
      }
    }
  }

  /**
   * Reads a llama2.c tokenizer ({@code tok512.bin}: int32 max_token_length, then per token float32
   * score, int32 length, bytes) as the equivalent SentencePiece vocabulary: BOS/EOS pieces become
   * {@code <s>}/{@code </s>}, spaces become U+2581, as in the GGUF conversion.
   */
  public static Tokenizer fromLlama2c(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_LLAMA2C_BYTES) {
        throw new InvalidInputException(
            file + ": larger than " + MAX_LLAMA2C_BYTES + " bytes, not a llama2.c tokenizer");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < 4) {
      throw new InvalidInputException(file + ": too short for a llama2.c tokenizer");
    }
    int maxLen = in.getInt();
    if (maxLen <= 0 || maxLen > 1024) {
      throw new InvalidInputException(file + ": max_token_length " + maxLen + " is not plausible");
    }
    List<String> tokens = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 8) {
        throw new InvalidInputException(file + ": truncated at token " + tokens.size());
      }
      float score = in.getFloat();
      int len = in.getInt();
      if (len < 0 || len > maxLen || len > in.remaining()) {
        throw new InvalidInputException(file + ": token " + tokens.size() + " has length " + len);
      }
      byte[] piece = new byte[len];
      in.get(piece);
      try {
        tokens.add(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(piece))
                .toString());
      } catch (CharacterCodingException e) {
        throw new InvalidInputException(file + ": token " + tokens.size() + " is not valid UTF-8");
      }
      scores.add(score);
    }
    int n = tokens.size();
    if (n < 3) {
      throw new InvalidInputException(file + ": only " + n + " tokens");
    }
    float[] s = new float[n];
    TokenType[] types = new TokenType[n];
    List<String> pieces = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      s[i] = scores.get(i);
      String t = tokens.get(i);
      if (i == 0) {
        types[i] = TokenType.UNKNOWN;
        pieces.add("<unk>");
      } else if (i == 1 || i == 2) {
        types[i] = TokenType.CONTROL;
        pieces.add(i == 1 ? "<s>" : "</s>");
      } else if (BYTE_PIECE.matcher(t).matches()) {
        types[i] = TokenType.BYTE;
        pieces.add(t);
      } else {
        types[i] = TokenType.NORMAL;
        pieces.add(t.replace(' ', SentencePieceBpe.SPACE));
      }
    }
    return new SentencePieceBpe(
        new Vocabulary(
            pieces, s, types, new Vocabulary.SpecialTokens(1, 2, 0, -1, true, false, true)));
  }
}
