package dev.trustdial.ai.engine;

import java.util.List;

/** Output of a generation: token ids (without the stop token), why it ended, per-token logprobs. */
public record GenerationResult(
    int[] tokens, FinishReason finishReason, List<TokenLogprob> logprobs, int promptTokens) {
  public GenerationResult {
    tokens = tokens.clone();
    logprobs = List.copyOf(logprobs);
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }
}
