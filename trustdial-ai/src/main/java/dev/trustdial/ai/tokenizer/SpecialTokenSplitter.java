package dev.trustdial.ai.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits text around special-token text before BPE, as llama.cpp does: longest special token first;
 * control and unknown tokens only when asked to parse special tokens, user-defined always. A token
 * the vocabulary marks rstrip also consumes the whitespace that follows it.
 */
final class SpecialTokenSplitter {

  sealed interface Fragment {}

  record Raw(String text) implements Fragment {}

  record Special(int token) implements Fragment {}

  private final List<Integer> controlTokens; // control + unknown, longest first
  private final List<Integer> allTokens; // control + unknown + user-defined, longest first
  private final Vocabulary vocab;

  SpecialTokenSplitter(Vocabulary vocab) {
    this.vocab = vocab;
    List<Integer> control = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < vocab.size(); i++) {
      TokenType t = vocab.type(i);
      if (vocab.text(i).isEmpty()) {
        continue;
      }
      if (t == TokenType.CONTROL || t == TokenType.UNKNOWN) {
        control.add(i);
        all.add(i);
      } else if (t == TokenType.USER_DEFINED) {
        all.add(i);
      }
    }
    Comparator<Integer> longestFirst =
        Comparator.<Integer>comparingInt(i -> vocab.text(i).length())
            .reversed()
            .thenComparingInt(i -> i);
    control.sort(longestFirst);
    all.sort(longestFirst);
    this.controlTokens = List.copyOf(control);
    this.allTokens = List.copyOf(all);
  }

  List<Fragment> split(String text, boolean parseSpecial) {
    List<Fragment> frags = new ArrayList<>();
    if (text.isEmpty()) {
      return frags;
    }
    frags.add(new Raw(text));
    for (int token : parseSpecial ? allTokens : userDefinedOnly()) {
      String special = vocab.text(token);
      List<Fragment> next = new ArrayList<>(frags.size() + 2);
      for (Fragment f : frags) {
        if (!(f instanceof Raw(String raw)) || !raw.contains(special)) {
          next.add(f);
          continue;
        }
        int from = 0;
        int at;
        while ((at = raw.indexOf(special, from)) >= 0) {
          if (at > from) {
            next.add(new Raw(raw.substring(from, at)));
          }
          next.add(new Special(token));
          from = at + special.length();
          if (vocab.rstrip(token)) {
            while (from < raw.length() && isAsciiSpace(raw.charAt(from))) {
              from++;
            }
          }
        }
        if (from < raw.length()) {
          next.add(new Raw(raw.substring(from)));
        }
      }
      frags = next;
    }
    return frags;
  }

  /** C's isspace in the "C" locale, as llama.cpp strips: space, \t, \n, \v, \f, \r. */
  private static boolean isAsciiSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private List<Integer> userDefinedOnly() {
    return allTokens.stream().filter(i -> !controlTokens.contains(i)).toList();
  }
}
