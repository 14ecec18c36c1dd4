package dev.trustdial.ai.server;

import java.util.List;
import java.util.Optional;

/**
 * Request parameters that shape generation. {@code maxTokens} and {@code seed} are empty until the
 * server resolves them (max_tokens depends on the prompt length; a missing seed is drawn and bound).
 */
public record GenerationSettings(
    Optional<Integer> maxTokens,
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double frequencyPenalty,
    double presencePenalty,
    Optional<Long> seed,
    List<String> stop,
    boolean logprobs,
    int topLogprobs) {

  public GenerationSettings {
    stop = List.copyOf(stop);
  }

  public GenerationSettings resolved(int maxTokens, long seed) {
    return new GenerationSettings(Optional.of(maxTokens), temperature, topK, topP, minP, repetitionPenalty,
        frequencyPenalty, presencePenalty, Optional.of(seed), stop, logprobs, topLogprobs);
  }
}
