package dev.trustdial.ai.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The vectors in docs/spec/receipt.md, read from the spec itself. */
class ReceiptSpecVectorsTest {

  static final String SPEC = read();
  static final ObjectMapper MAPPER = new ObjectMapper();

  static String read() {
    try {
      return Files.readString(Path.of("..", "docs", "spec", "receipt.md"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "run from the module directory: docs/spec/receipt.md not found", e);
    }
  }

  static String block(String label) {
    Matcher m =
        Pattern.compile("```\\w+ " + Pattern.quote(label) + "\n(.*?)\n```", Pattern.DOTALL)
            .matcher(SPEC);
    assertThat(m.find()).as("spec block %s", label).isTrue();
    return m.group(1);
  }

  @Test
  void rfc8785Example() {
    assertThat(new String(CanonicalJson.encode(block("jcs-input")), StandardCharsets.UTF_8))
        .isEqualTo(block("jcs-output"));
  }

  @Test
  void tokenAndTextHashes() {
    assertThat(SPEC).contains("| ids `[]` | `" + TokenHashes.tokens(new int[0]).toHex() + "` |");
    assertThat(SPEC)
        .contains(
            "| ids `[1, 403, 407, 261, 378]` | `"
                + TokenHashes.tokens(new int[] {1, 403, 407, 261, 378}).toHex()
                + "` |");
    assertThat(SPEC)
        .contains(
            "| text `\"Once upon a time\"` | `"
                + TokenHashes.text("Once upon a time").toHex()
                + "` |");
  }

  @Test
  void signedReceiptVector() throws Exception {
    Receipt r = ReceiptJson.parse(block("receipt-full"));
    assertThat(new String(r.body().canonicalEncoding(), StandardCharsets.UTF_8))
        .isEqualTo(block("receipt-canonical"));
    assertThat(SPEC).contains("Digest `" + r.digest().toHex() + "`");
    Secp256k1Key key =
        Secp256k1Key.fromPrivateKeyHex(
            "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    assertThat(r.signer())
        .isEqualTo(key.address())
        .isEqualTo(Address.parse("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"));
    r.checkSignature();
    // RFC 6979 signing is deterministic: re-signing gives the vector's bytes
    assertThat(Receipt.sign(r.body(), key).signature()).isEqualTo(r.signature());
    assertThat(CanonicalJson.encode(block("receipt-full")))
        .isEqualTo(CanonicalJson.encode(ReceiptJson.toJson(r)));
  }

  /** Changing any bound value, however deep, breaks the signature. */
  @Test
  void everyFieldIsBound() throws Exception {
    String full = block("receipt-full");
    for (Consumer<ObjectNode> tamper :
        java.util.List.<Consumer<ObjectNode>>of(
            o -> o.put("created", 1764374401L),
            o -> o.put("finish_reason", "stop"),
            o -> ((ObjectNode) o.get("model")).put("determinism_profile", "other"),
            o -> ((ObjectNode) o.get("sampling")).put("seed", 43),
            o -> ((ObjectNode) o.get("sampling")).put("temperature", 0.70000001),
            o -> ((ObjectNode) o.get("request").get("messages").get(0)).put("role", "user"),
            o ->
                ((ObjectNode)
                        o.get("request")
                            .get("messages")
                            .get(2)
                            .get("tool_calls")
                            .get(0)
                            .get("function"))
                    .put("arguments", "{\"city\":\"Bern\"}"),
            o ->
                ((ObjectNode) o.get("request").get("messages").get(3))
                    .put("tool_call_id", "call_2"),
            o -> o.put("output_text_hash", TokenHashes.text("x").toHex()),
            o -> o.put("prompt_token_count", 10))) {
      ObjectNode o = (ObjectNode) MAPPER.readTree(full);
      tamper.accept(o);
      o.remove("id");
      // request/token hashes must be recomputed by a forger too; do it so only the signature can
      // fail
      ObjectNode req = (ObjectNode) o.get("request");
      o.put(
          "request_hash",
          dev.trustdial.core.hash.Hashes.keccak256(CanonicalJson.encode(req)).toHex());
      Receipt forged = ReceiptJson.parse(o);
      assertThatThrownBy(forged::checkSignature)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not by the operator");
    }
  }

  @Test
  void inconsistentReceiptsAreRejected() throws Exception {
    ObjectNode o = (ObjectNode) MAPPER.readTree(block("receipt-full"));
    ObjectNode badTokens = o.deepCopy();
    badTokens.withArray("output_tokens").set(0, 999);
    assertThatThrownBy(() -> ReceiptJson.parse(badTokens))
        .hasMessageContaining("output_tokens_hash");
    ObjectNode badReq = o.deepCopy();
    ((ObjectNode) badReq.get("request")).put("seed", 7);
    assertThatThrownBy(() -> ReceiptJson.parse(badReq)).hasMessageContaining("request_hash");
    ObjectNode extra = o.deepCopy();
    extra.put("note", "x");
    assertThatThrownBy(() -> ReceiptJson.parse(extra)).hasMessageContaining("unknown field 'note'");
    ObjectNode badId = o.deepCopy();
    badId.put("id", TokenHashes.text("x").toHex());
    assertThatThrownBy(() -> ReceiptJson.parse(badId)).hasMessageContaining("is not the digest");
    assertThatThrownBy(() -> ReceiptJson.parse("{")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ReceiptJson.parse("{\"a\":1,\"a\":2}"))
        .isInstanceOf(InvalidInputException.class);
  }
}
