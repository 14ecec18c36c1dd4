package dev.trustdial.explorer.web;

import dev.trustdial.chain.Tokens;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Escaping and the small formatting the pages share. Every value from the chain passes {@link #esc}
 * before it reaches HTML.
 */
final class Html {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Html() {}

  static String esc(Object o) {
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String page(String title, String body) {
    return """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>%s · TrustDial explorer</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/static/explorer.css"><script src="/static/explorer.js" defer></script></head>
    <body><header><a class="brand" href="/">TrustDial explorer</a><nav><a href="/">Overview</a><a href="/jobs">Jobs</a>
    <a href="/advisor">Trust advisor</a><a href="/metrics">Metrics</a></nav></header><main>
    <h1>%s</h1>
    %s
    </main><footer>Every page has its JSON at <code>/api</code>&hellip; (same path). Indexed from settlement events.</footer></body></html>
    """
        .formatted(esc(title), esc(title), body);
  }

  static String time(long epochSeconds) {
    return "<time datetime=\""
        + Instant.ofEpochSecond(epochSeconds)
        + "\">"
        + TIME.format(Instant.ofEpochSecond(epochSeconds))
        + "</time>";
  }

  static String time(Optional<Long> t) {
    return t.map(Html::time).orElse("&mdash;");
  }

  static String tokens(BigInteger wei) {
    return esc(Tokens.format(wei));
  }

  static String addr(Object address) {
    String a = String.valueOf(address);
    return "<a class=\"addr\" href=\"/operators/"
        + esc(a)
        + "\" title=\""
        + esc(a)
        + "\">"
        + esc(shortHex(a))
        + "</a>";
  }

  static String job(long id) {
    return "<a href=\"/jobs/" + id + "\">job " + id + "</a>";
  }

  static String blob(String key) {
    return "<a class=\"hash\" href=\"/blobs/"
        + esc(key)
        + "\" title=\""
        + esc(key)
        + "\">"
        + esc(shortHex(key))
        + "</a>";
  }

  static String shortHex(String h) {
    return h.length() > 14 ? h.substring(0, 8) + "…" + h.substring(h.length() - 4) : h;
  }

  static String status(String s) {
    return "<span class=\"status s-"
        + esc(s.toLowerCase(java.util.Locale.ROOT))
        + "\">"
        + esc(s)
        + "</span>";
  }

  static String duration(Optional<Long> seconds) {
    return seconds.map(s -> s + " s").orElse("&mdash;");
  }
}
