package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.Invariant;
import dev.trustdial.core.json.Json;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of re-executing a receipt. {@code match} holds only when the signature is the
 * operator's, the model is the one served here, and re-execution gave the same tokens, text and
 * finish reason. {@code firstMismatch} is the index of the first differing output token.
 */
public record Verification(
    boolean match,
    boolean signatureValid,
    String signer,
    boolean modelMatches,
    Optional<Integer> firstMismatch,
    int[] expectedTokens,
    int[] receiptTokens,
    List<String> problems) {

  public Verification {
    expectedTokens = expectedTokens.clone();
    receiptTokens = receiptTokens.clone();
    problems = List.copyOf(problems);
    Invariant.check(
        !match || (signatureValid && modelMatches && firstMismatch.isEmpty() && problems.isEmpty()),
        "a verification that matches has a valid signature, the same model and no problem");
  }

  @Override
  public int[] expectedTokens() {
    return expectedTokens.clone();
  }

  @Override
  public int[] receiptTokens() {
    return receiptTokens.clone();
  }

  /**
   * The answer of /v1/verify for the receipt with this id; {@code trustdial ai verify --json}
   * prints the same.
   */
  public ObjectNode toJson(String receiptId) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("receipt_id", receiptId);
    o.put("match", match);
    o.put("signature_valid", signatureValid);
    o.put("signer", signer);
    o.put("model_matches", modelMatches);
    if (firstMismatch.isPresent()) {
      o.put("first_mismatch_index", firstMismatch.get());
    } else {
      o.putNull("first_mismatch_index");
    }
    ArrayNode exp = o.putArray("reexecuted_tokens");
    for (int t : expectedTokens) {
      exp.add(t);
    }
    ArrayNode list = o.putArray("problems");
    problems.forEach(list::add);
    return o;
  }
}
