package dev.trustdial.tee.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns evidence in the forms people hold into the bytes a verifier parses: raw binary, hex,
 * base64, a JSON answer holding it (dstack's {@code getquote}), dstack's SCALE-prefixed quote
 * files, a TDX quote followed by trailing bytes. Every conversion is reported; anything else is
 * refused with the list of accepted forms. Spec: docs/spec/attestation.md, "Input forms".
 */
public final class EvidenceFormats {
  /** Input larger than this is refused before any decoding (a base64 envelope fits). */
  public static final int MAX_INPUT_BYTES = 2 * 1024 * 1024;

  /** JSON members that may hold the evidence, as hex or base64 text. */
  public static final List<String> JSON_MEMBERS =
      List.of(
          "quote", "report", "attestation_document", "attestationDocument", "document", "evidence");

  public static final String ACCEPTED_FORMS =
      "a TDX quote v4/v5, a 1184-byte SEV-SNP report, a Nitro COSE_Sign1 document, TrustDial"
          + " simulated evidence or an evidence envelope; as raw bytes, hex (0x optional), base64"
          + " (standard or URL-safe), a JSON object with one of the members "
          + String.join(", ", JSON_MEMBERS)
          + " holding hex or base64 (e.g. dstack's getquote"
          + " answer), or dstack's SCALE-length-prefixed quote file";

  private static final ObjectMapper JSON = Json.builder(32).build();

  private EvidenceFormats() {}

  /** Decodes an evidence file's bytes; the result is raw evidence or an envelope. */
  public static DecodedEvidence decode(byte[] input) throws VerificationFailedException {
    if (input.length == 0 || input.length > MAX_INPUT_BYTES) {
      throw malformed("evidence input is " + input.length + " bytes (1.." + MAX_INPUT_BYTES + ")");
    }
    List<String> notes = new ArrayList<>();
    byte[] b = input;
    int start = firstNonWhitespace(input);
    // No binary evidence starts with '{' (TDX 04/05, SNP 02..05, COSE D2/84, 'T' magics).
    if (start < input.length && input[start] == '{') {
      b = fromJson(new String(input, StandardCharsets.UTF_8), notes);
    } else if (isAsciiText(input)) {
      b = fromText(new String(input, StandardCharsets.US_ASCII), "the evidence", notes);
    }
    byte[] evidence = fromBinary(b, notes);
    return new DecodedEvidence(Bytes.of(evidence), notes);
  }

  private static byte[] fromJson(String text, List<String> notes)
      throws VerificationFailedException {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw malformed("evidence starts with '{' but is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("JSON evidence is not an object");
    }
    List<String> present = JSON_MEMBERS.stream().filter(root::hasNonNull).toList();
    if (present.isEmpty()) {
      List<String> names = new ArrayList<>();
      root.fieldNames().forEachRemaining(names::add);
      throw malformed(
          "JSON evidence has none of the members "
              + String.join(", ", JSON_MEMBERS)
              + " (it has: "
              + String.join(", ", names.subList(0, Math.min(8, names.size())))
              + ")");
    }
    if (present.size() > 1) {
      throw malformed(
          "JSON evidence has several evidence members ("
              + String.join(", ", present)
              + "); keep one");
    }
    String member = present.getFirst();
    JsonNode v = root.get(member);
    if (!v.isTextual()) {
      throw malformed("JSON evidence member \"" + member + "\" is not a string of hex or base64");
    }
    List<String> others = new ArrayList<>();
    root.fieldNames()
        .forEachRemaining(n -> {
          if (!n.equals(member)) {
            others.add(n);
          }
        });
    notes.add(
        "took the JSON member \""
            + member
            + "\""
            + (others.isEmpty() ? "" : " (ignored: " + String.join(", ", others) + ")"));
    return fromText(v.textValue(), "JSON member \"" + member + "\"", notes);
  }

  /** Hex (0x optional) or base64 (standard or URL-safe, padding optional); whitespace ignored. */
  static byte[] fromText(String text, String what, List<String> notes)
      throws VerificationFailedException {
    StringBuilder sb = new StringBuilder(text.length());
    text.chars().filter(c -> !Character.isWhitespace(c)).forEach(sb::appendCodePoint);
    String s = sb.toString();
    boolean prefixed = s.startsWith("0x") || s.startsWith("0X");
    String digits = prefixed ? s.substring(2) : s;
    if (digits.isEmpty()) {
      throw malformed(what + " is empty");
    }
    if (digits.chars().allMatch(EvidenceFormats::isHexDigit)) {
      if ((digits.length() & 1) != 0) {
        throw malformed(
            what + " looks like hex but has an odd number of digits (" + digits.length() + ")");
      }
      if (digits.length() / 2 > EvidenceEnvelope.MAX_BYTES) {
        throw malformed(what + " holds " + digits.length() / 2 + " bytes of hex, over the limit");
      }
      notes.add("decoded from hex (" + digits.length() / 2 + " bytes)");
      return HexFormat.of().parseHex(digits);
    }
    if (prefixed) {
      throw malformed(what + " starts with 0x but is not hex");
    }
    boolean standard = digits.chars().noneMatch(c -> c == '-' || c == '_');
    boolean urlSafe = digits.chars().noneMatch(c -> c == '+' || c == '/');
    String body = digits.replaceFirst("={1,2}$", "");
    boolean base64 =
        body.chars()
            .allMatch(c -> isBase64Digit(c) || c == '+' || c == '/' || c == '-' || c == '_');
    if (!base64 || !(standard || urlSafe)) {
      throw malformed(what + " is text but neither hex nor base64. Accepted: " + ACCEPTED_FORMS);
    }
    if ((long) body.length() * 3 / 4 > EvidenceEnvelope.MAX_BYTES) {
      throw malformed(
          what + " holds about " + body.length() * 3L / 4 + " bytes of base64, over the limit");
    }
    try {
      byte[] out = (standard ? Base64.getDecoder() : Base64.getUrlDecoder()).decode(body);
      notes.add("decoded from base64" + (standard ? "" : "url") + " (" + out.length + " bytes)");
      return out;
    } catch (IllegalArgumentException e) {
      throw malformed(
          what
              + " looks like base64 but does not decode ("
              + e.getMessage()
              + "). Accepted: "
              + ACCEPTED_FORMS);
    }
  }

  /**
   * Strips what is provably not evidence (a SCALE prefix, bytes after a TDX quote), then
   * classifies.
   */
  static byte[] fromBinary(byte[] b, List<String> notes) throws VerificationFailedException {
    if (EvidenceEnvelope.isEnvelope(b)) {
      return b;
    }
    if (b.length > Evidence.MAX_BYTES) {
      throw malformed(
          "evidence is " + b.length + " bytes, over the " + Evidence.MAX_BYTES + "-byte limit");
    }
    Optional<byte[]> unprefixed = stripScaleLength(b);
    if (unprefixed.isPresent()) {
      notes.add(
          "stripped dstack's SCALE compact length prefix ("
              + (b.length - unprefixed.get().length)
              + " bytes)");
      b = unprefixed.get();
    }
    if (Evidence.hasTdxHeader(b)) {
      long end = tdxQuoteLength(b);
      if (end > b.length) {
        throw malformed(
            "TDX quote is truncated or its lengths are corrupt: its header and signature"
                + " data length say "
                + end
                + " bytes, the input has "
                + b.length);
      }
      if (end < b.length) {
        int n = b.length - (int) end;
        boolean zeros = allZero(b, (int) end, b.length);
        notes.add(
            "ignored " + n + " trailing bytes after the quote" + (zeros ? " (zero padding)" : ""));
        b = Arrays.copyOf(b, (int) end);
      }
    } else if (b.length != 0x4A0
        && b.length >= 0x38
        && u32(b, 0) >= 2
        && u32(b, 0) <= 5
        && u32(b, 0x34) == 1) {
      throw malformed(
          "looks like a SEV-SNP report (version "
              + u32(b, 0)
              + ", ECDSA P-384) but is "
              + b.length
              + " bytes; a report is exactly 1184 bytes");
    }
    if (Evidence.classify(b).isEmpty()) {
      throw malformed(
          "unrecognised evidence"
              + (notes.isEmpty() ? "" : " (after: " + String.join("; ", notes) + ")")
              + ". Accepted: "
              + ACCEPTED_FORMS);
    }
    return b;
  }

  /**
   * The quote's own length: header, body (v5: with its type and size), the u32 signature data
   * length and that many bytes. May exceed the input when it is truncated.
   */
  static long tdxQuoteLength(byte[] b) throws VerificationFailedException {
    long pos = 48;
    if ((b[0] & 0xFF) == 5) {
      if (b.length < pos + 6) {
        throw malformed(
            "TDX quote is truncated: " + b.length + " bytes end inside the v5 body header");
      }
      pos += 6 + u32(b, (int) pos + 2);
    } else {
      pos += 584;
    }
    if (b.length < pos + 4) {
      throw malformed(
          "TDX quote is truncated: "
              + b.length
              + " bytes end before its signature data length"
              + " (offset "
              + pos
              + ")");
    }
    return pos + 4 + u32(b, (int) pos);
  }

  /**
   * dstack writes quotes as a SCALE {@code Vec<u8>}: a compact length, then the bytes. Stripped
   * only when that length is exactly the rest and the rest is a TDX quote.
   */
  static Optional<byte[]> stripScaleLength(byte[] b) {
    if (b.length < 2 || Evidence.hasTdxHeader(b)) {
      return Optional.empty();
    }
    int k;
    long n;
    switch (b[0] & 3) {
      case 0 -> {
        k = 1;
        n = (b[0] & 0xFF) >>> 2;
      }
      case 1 -> {
        k = 2;
        n = ((b[0] & 0xFF) | (b[1] & 0xFF) << 8) >>> 2;
      }
      case 2 -> {
        if (b.length < 4) {
          return Optional.empty();
        }
        k = 4;
        n = u32(b, 0) >>> 2;
      }
      default -> {
        return Optional.empty(); // big-integer mode: no quote is 2^30 bytes
      }
    }
    if (n != b.length - k) {
      return Optional.empty();
    }
    byte[] rest = Arrays.copyOfRange(b, k, b.length);
    return Evidence.hasTdxHeader(rest) ? Optional.of(rest) : Optional.empty();
  }

  private static int firstNonWhitespace(byte[] b) {
    int i = 0;
    // A UTF-8 byte-order mark is whitespace for this purpose.
    if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static boolean isAsciiText(byte[] b) {
    for (byte x : b) {
      if (!(x >= 0x20 && x < 0x7F) && x != '\n' && x != '\r' && x != '\t') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isBase64Digit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static long u32(byte[] b, int off) {
    return (b[off] & 0xFFL)
        | (b[off + 1] & 0xFFL) << 8
        | (b[off + 2] & 0xFFL) << 16
        | (b[off + 3] & 0xFFL) << 24;
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
