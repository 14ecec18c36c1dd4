package dev.trustdial.ai.engine;

import java.util.Set;

/**
 * One completion to run. Validated against the model by the engine (token ids, context length).
 *
 * @param topLogprobs alternatives to report per generated token (0..20; 0 = only the chosen one)
 * @param logprobs whether to compute each generated token's log-softmax (a pass over the whole
 *     vocabulary per token); false: {@link GenerationResult#logprobs()} is empty and the sink gets
 *     null
 */
public record GenerationRequest(
    int[] promptTokens,
    SamplingParams sampling,
    int maxTokens,
    Set<Integer> stopTokens,
    int topLogprobs,
    boolean logprobs) {
  public static final int MAX_TOP_LOGPROBS = 20;

  /** With logprobs. */
  public GenerationRequest(
      int[] promptTokens,
      SamplingParams sampling,
      int maxTokens,
      Set<Integer> stopTokens,
      int topLogprobs) {
    this(promptTokens, sampling, maxTokens, stopTokens, topLogprobs, true);
  }

  public GenerationRequest {
    promptTokens = promptTokens.clone();
    stopTokens = Set.copyOf(stopTokens);
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }
}
