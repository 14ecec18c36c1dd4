package dev.trustdial.ai.server;

import dev.trustdial.ai.Invariant;
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
}
