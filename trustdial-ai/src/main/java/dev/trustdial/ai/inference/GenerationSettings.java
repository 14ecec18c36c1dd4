package dev.trustdial.ai.inference;

import dev.trustdial.ai.engine.SamplingParams;
import java.util.List;
import java.util.Optional;

/**
 * Request parameters that shape generation. {@code maxTokens} and the seed are unresolved until
 * {@link #resolved} binds them (max_tokens depends on the prompt length; a missing seed is drawn):
 * until then {@code sampling.seed()} is 0 unless {@code seedGiven}.
 */
public record GenerationSettings(
    Optional<Integer> maxTokens,
    SamplingParams sampling,
    boolean seedGiven,
    List<String> stop,
    boolean logprobs,
    int topLogprobs) {

  public GenerationSettings {
    stop = List.copyOf(stop);
    if (!seedGiven && sampling.seed() != 0) {
      throw new IllegalArgumentException("an unresolved seed must be 0 in the sampling parameters");
    }
  }

  /** The request's seed, empty until given or resolved. */
  public Optional<Long> seed() {
    return seedGiven ? Optional.of(sampling.seed()) : Optional.empty();
  }

  public GenerationSettings resolved(int maxTokens, long seed) {
    return new GenerationSettings(
        Optional.of(maxTokens), sampling.withSeed(seed), true, stop, logprobs, topLogprobs);
  }
}
