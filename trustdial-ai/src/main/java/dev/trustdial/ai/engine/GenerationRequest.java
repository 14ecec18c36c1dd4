package dev.trustdial.ai.engine;

import java.util.Set;

/**
 * One completion to run. Validated against the model by the engine (token ids, context length).
 *
 * @param topLogprobs alternatives to report per generated token (0..20; 0 = only the chosen one)
 */
public record GenerationRequest(
    int[] promptTokens, SamplingParams sampling, int maxTokens, Set<Integer> stopTokens, int topLogprobs) {
  public static final int MAX_TOP_LOGPROBS = 20;

  public GenerationRequest {
    promptTokens = promptTokens.clone();
    stopTokens = Set.copyOf(stopTokens);
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }
}
