package dev.trustdial.ai.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The JSON form of receipts (docs/spec/receipt.md), strict on input. */
public final class ReceiptJson {

  /** Largest receipt JSON accepted, in chars. */
  public static final int MAX_RECEIPT_CHARS = 16 << 20;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = Json.mapper();

  private static final Set<String> BODY_KEYS =
      Set.of(
          "type",
          "created",
          "operator",
          "model",
          "request",
          "request_hash",
          "sampling",
          "prompt_token_count",
          "prompt_tokens_hash",
          "output_tokens",
          "output_tokens_hash",
          "output_text_hash",
          "finish_reason");

  private ReceiptJson() {}

  /** The signed fields as JSON (no id, no signature). */
  static ObjectNode bodyJson(ReceiptBody b) {
    ObjectNode o = F.objectNode();
    o.put("type", ReceiptBody.TYPE);
    o.put("created", b.created());
    o.put("operator", Hex.encode(b.operator().bytes()));
    ObjectNode m = o.putObject("model");
    m.put("name", b.model().name());
    m.put("file_sha256", b.model().fileSha256());
    m.put("tokenizer_sha256", b.model().tokenizerSha256());
    b.model().chatTemplateSha256().ifPresent(s -> m.put("chat_template_sha256", s));
    m.put("determinism_profile", b.model().determinismProfile());
    o.set("request", b.request());
    o.put("request_hash", b.requestHash().toHex());
    ObjectNode s = o.putObject("sampling");
    SamplingParams sp = b.sampling();
    s.put("temperature", sp.temperature());
    s.put("top_k", sp.topK());
    s.put("top_p", sp.topP());
    s.put("min_p", sp.minP());
    s.put("repetition_penalty", sp.repetitionPenalty());
    s.put("frequency_penalty", sp.frequencyPenalty());
    s.put("presence_penalty", sp.presencePenalty());
    s.put("seed", sp.seed());
    o.put("prompt_token_count", b.promptTokenCount());
    o.put("prompt_tokens_hash", b.promptTokensHash().toHex());
    ArrayNode out = o.putArray("output_tokens");
    for (int t : b.outputTokens()) {
      out.add(t);
    }
    o.put("output_tokens_hash", b.outputTokensHash().toHex());
    o.put("output_text_hash", b.outputTextHash().toHex());
    o.put("finish_reason", b.finishReason());
    return o;
  }

  /** The full receipt: the signed fields plus id and signature. */
  public static ObjectNode toJson(Receipt r) {
    ObjectNode o = bodyJson(r.body());
    o.put("id", r.id());
    o.put("signature", r.signature().toHex());
    return o;
  }

  public static Receipt parse(String json) {
    if (json.length() > MAX_RECEIPT_CHARS) {
      throw new InvalidInputException("receipt is larger than " + MAX_RECEIPT_CHARS + " chars");
    }
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("receipt is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * A well-formed receipt and what in it disagrees with itself: a derived hash or the id that its
   * fields no longer give (an edited token, an edited request). A verifier reports these as
   * mismatches; only a malformed receipt is an input error.
   */
  public record Checked(Receipt receipt, List<String> inconsistencies) {
    public Checked {
      inconsistencies = List.copyOf(inconsistencies);
    }
  }

  /**
   * Parses and checks a receipt's internal consistency: known fields only, derived hashes and id
   * recomputed; any disagreement is an input error. The signature is checked separately ({@link
   * Receipt#checkSignature}).
   */
  public static Receipt parse(JsonNode n) {
    Checked c = parseChecked(n);
    if (!c.inconsistencies().isEmpty()) {
      throw new InvalidInputException(c.inconsistencies().get(0));
    }
    return c.receipt();
  }

  /**
   * Parses a receipt's structure strictly (known fields only, types, sizes: violations are input
   * errors) and lists, without refusing it, the derived hashes and the id its fields do not give.
   */
  public static Checked parseChecked(JsonNode n) {
    if (!(n instanceof ObjectNode o)) {
      throw new InvalidInputException("receipt must be a JSON object");
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!BODY_KEYS.contains(k) && !k.equals("id") && !k.equals("signature")) {
        throw new InvalidInputException("receipt has unknown field '" + k + "'");
      }
    }
    if (!ReceiptBody.TYPE.equals(text(o, "type"))) {
      throw new InvalidInputException("receipt type must be " + ReceiptBody.TYPE);
    }
    JsonNode m = object(o, "model");
    ModelBinding model =
        new ModelBinding(
            text(m, "name"),
            text(m, "file_sha256"),
            text(m, "tokenizer_sha256"),
            m.has("chat_template_sha256")
                ? Optional.of(text(m, "chat_template_sha256"))
                : Optional.empty(),
            text(m, "determinism_profile"));
    JsonNode s = object(o, "sampling");
    SamplingParams sampling =
        new SamplingParams(
            number(s, "temperature"),
            (int) integer(s, "top_k"),
            number(s, "top_p"),
            number(s, "min_p"),
            number(s, "repetition_penalty"),
            number(s, "frequency_penalty"),
            number(s, "presence_penalty"),
            integer(s, "seed"));
    JsonNode toks = o.get("output_tokens");
    if (toks == null || !toks.isArray()) {
      throw new InvalidInputException("receipt field 'output_tokens' must be an array");
    }
    if (toks.size() > ReceiptBody.MAX_OUTPUT_TOKENS) {
      throw new InvalidInputException(
          "receipt has more than " + ReceiptBody.MAX_OUTPUT_TOKENS + " output tokens");
    }
    int[] tokens = new int[toks.size()];
    for (int i = 0; i < tokens.length; i++) {
      if (!toks.get(i).canConvertToInt() || !toks.get(i).isIntegralNumber()) {
        throw new InvalidInputException("receipt output_tokens[" + i + "] is not a token id");
      }
      tokens[i] = toks.get(i).intValue();
    }
    long promptCount = integer(o, "prompt_token_count");
    if (promptCount > Integer.MAX_VALUE) {
      throw new InvalidInputException("receipt prompt_token_count is too large");
    }
    ReceiptBody body =
        new ReceiptBody(
            integer(o, "created"),
            Address.parse(text(o, "operator")),
            model,
            (ObjectNode) object(o, "request"),
            sampling,
            (int) promptCount,
            bytes32(o, "prompt_tokens_hash"),
            tokens,
            bytes32(o, "output_text_hash"),
            text(o, "finish_reason"));
    List<String> inconsistencies = new ArrayList<>();
    Bytes32 requestHash = bytes32(o, "request_hash");
    Bytes32 outputTokensHash = bytes32(o, "output_tokens_hash");
    if (!body.requestHash().equals(requestHash)) {
      inconsistencies.add("receipt request_hash does not match its request");
    }
    if (!body.outputTokensHash().equals(outputTokensHash)) {
      inconsistencies.add("receipt output_tokens_hash does not match its output_tokens");
    }
    Receipt r;
    try {
      r = new Receipt(body, Signature.fromHex(text(o, "signature")));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("receipt signature is malformed: " + e.getMessage());
    }
    if (o.has("id") && !r.id().equalsIgnoreCase(text(o, "id"))) {
      inconsistencies.add(
          "receipt id " + text(o, "id") + " is not the digest of its fields " + r.id());
    }
    return new Checked(r, inconsistencies);
  }

  private static JsonNode object(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || !v.isObject()) {
      throw new InvalidInputException("receipt field '" + k + "' must be an object");
    }
    return v;
  }

  private static String text(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || !v.isTextual()) {
      throw new InvalidInputException("receipt field '" + k + "' must be a string");
    }
    return v.textValue();
  }

  private static double number(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || !v.isNumber()) {
      throw new InvalidInputException("receipt field '" + k + "' must be a number");
    }
    return v.doubleValue();
  }

  private static long integer(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidInputException("receipt field '" + k + "' must be an integer");
    }
    return v.longValue();
  }

  private static Bytes32 bytes32(JsonNode o, String k) {
    try {
      return Bytes32.fromHex(text(o, k));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("receipt field '" + k + "' must be 32 bytes of 0x-hex");
    }
  }
}
