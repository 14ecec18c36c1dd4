package dev.trustdial.ai.server;

import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.receipt.Receipt;
import java.util.List;

/** A finished completion with its signed receipt. */
public record Completion(
    ApiRequest request,
    String text,
    int[] outputTokens,
    String finishReason,
    List<TokenLogprob> logprobs,
    int promptTokens,
    Receipt receipt) {

  public Completion {
    outputTokens = outputTokens.clone();
    logprobs = List.copyOf(logprobs);
  }

  @Override
  public int[] outputTokens() {
    return outputTokens.clone();
  }
}
