package dev.trustdial.ai.tokenizer;

import dev.trustdial.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regex split applied before byte-level BPE, chosen by GGUF {@code tokenizer.ggml.pre}. Each
 * regex splits every fragment of the previous one into matches and the gaps between them, as
 * llama.cpp's unicode_regex_split does. {@code \s}, {@code \p{L}}, {@code \p{N}} are Unicode.
 */
public record PreTokenizer(String name, List<Pattern> regexes, boolean ignoreMerges) {

  private static final String GPT2 =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
  private static final String LLAMA3 =
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
          + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  private static final String QWEN2 =
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
          + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  public PreTokenizer {
    regexes = List.copyOf(regexes);
  }

  /**
   * The pre-tokenizer for a {@code tokenizer.ggml.pre} value; unknown names are rejected by name.
   */
  public static PreTokenizer forName(String pre) {
    return switch (pre) {
      case "gpt-2",
          "gpt2",
          "phi-2",
          "jina-es",
          "jina-de",
          "jina-v2-es",
          "jina-v2-de",
          "roberta-bpe" ->
          of(pre, false, GPT2);
      case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral" -> of(pre, true, LLAMA3);
      case "qwen2", "deepseek-r1-qwen", "megrez" -> of(pre, false, QWEN2);
      case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b" ->
          of(pre, false, "\\p{N}", GPT2);
      case "default" ->
          of(pre, false, "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
      default ->
          throw new InvalidInputException(
              "tokenizer: unknown pre-tokenizer type '"
                  + pre
                  + "' (supported: gpt-2, llama-bpe, qwen2, smollm, default and their aliases)");
    };
  }

  private static PreTokenizer of(String name, boolean ignoreMerges, String... regexes) {
    List<Pattern> ps = new ArrayList<>();
    for (String r : regexes) {
      ps.add(Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS));
    }
    return new PreTokenizer(name, ps, ignoreMerges);
  }

  /** Splits text into words; concatenating the words gives the text back. */
  public List<String> split(String text) {
    List<String> words = new ArrayList<>();
    if (!text.isEmpty()) {
      words.add(text);
    }
    for (Pattern p : regexes) {
      List<String> next = new ArrayList<>(words.size() * 2);
      for (String w : words) {
        Matcher m = p.matcher(w);
        int from = 0;
        while (m.find()) {
          if (m.start() > from) {
            next.add(w.substring(from, m.start()));
          }
          if (m.end() > m.start()) {
            next.add(m.group());
          }
          from = m.end();
        }
        if (from < w.length()) {
          next.add(w.substring(from));
        }
      }
      words = next;
    }
    assert String.join("", words).equals(text);
    return words;
  }
}
