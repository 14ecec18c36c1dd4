package dev.trustdial.ai.inference;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Incremental detokenizer with stop strings. The output text is the UTF-8 decoding (invalid bytes
 * as U+FFFD) of the generated tokens' bytes, cut before the first stop string. While streaming, it
 * releases only text that can no longer become part of a stop string or an unfinished character.
 */
final class OutputText {

  private final Tokenizer tokenizer;
  private final List<String> stops;
  private final int holdBack;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private String text = "";
  private int stopAt = -1;
  private int released;

  OutputText(Tokenizer tokenizer, List<String> stops) {
    this.tokenizer = tokenizer;
    this.stops = List.copyOf(stops);
    this.holdBack = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
  }

  /** Adds a generated token; false when the text now contains a stop string. */
  boolean accept(int token) {
    Invariant.check(stopAt < 0, "no tokens after a stop string");
    bytes.writeBytes(tokenizer.pieceBytes(token, false));
    byte[] b = bytes.toByteArray();
    text = new String(b, 0, completePrefix(b), StandardCharsets.UTF_8);
    int searchFrom = Math.max(0, released - holdBack - 1);
    int earliest = -1;
    for (String s : stops) {
      int i = text.indexOf(s, searchFrom);
      if (i >= 0 && (earliest < 0 || i < earliest)) {
        earliest = i;
      }
    }
    if (earliest >= 0) {
      stopAt = earliest;
      return false;
    }
    return true;
  }

  boolean stopped() {
    return stopAt >= 0;
  }

  /** Text that is final now and was not released before. */
  String releasable() {
    int end = stopAt >= 0 ? stopAt : Math.max(released, text.length() - holdBack);
    // never split a surrogate pair
    if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    String delta = text.substring(released, Math.max(released, end));
    released = Math.max(released, end);
    return delta;
  }

  /** The whole output text, once generation has ended. */
  String finalText() {
    String all = bytes.toString(StandardCharsets.UTF_8);
    return stopAt >= 0 ? all.substring(0, Math.min(stopAt, all.length())) : all;
  }

  /** The rest of the final text after what was released. */
  String finish() {
    String all = finalText();
    String rest = released <= all.length() ? all.substring(released) : "";
    released = all.length();
    return rest;
  }

  /** Length of the longest prefix that does not end inside an unfinished UTF-8 sequence. */
  static int completePrefix(byte[] b) {
    int n = b.length;
    for (int back = 1; back <= Math.min(3, n); back++) {
      int lead = b[n - back] & 0xFF;
      if ((lead & 0xC0) == 0x80) {
        continue; // continuation byte: look further back for the lead
      }
      int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      return back < need ? n - back : n;
    }
    return n;
  }
}
