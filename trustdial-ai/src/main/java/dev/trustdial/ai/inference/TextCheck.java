package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses request text that is not Unicode: a JSON string may spell an unpaired UTF-16 surrogate
 * ({@code "\ud800"}), which no UTF-8 encoder can write, so it would reach a tokenizer and a signed
 * receipt as a replacement character the client never sent.
 */
final class TextCheck {
  private TextCheck() {}

  static void requireWellFormed(JsonNode tree) {
    walk(tree, "");
  }

  private static void walk(JsonNode n, String path) {
    if (n.isTextual()) {
      check(n.textValue(), path.isEmpty() ? "the request" : path);
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        walk(n.get(i), path + "[" + i + "]");
      }
    } else if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        check(e.getKey(), "a key of " + (path.isEmpty() ? "the request" : path));
        walk(e.getValue(), child);
      }
    }
  }

  private static void check(String s, String where) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.badRequest(
            where.startsWith("a key") ? "" : where.replaceAll("[.\\[].*", ""),
            where
                + " contains an unpaired UTF-16 surrogate (\\u"
                + Integer.toHexString(c)
                + ") at character "
                + i
                + "; text must be valid Unicode");
      }
    }
  }
}
