package dev.trustdial.ai.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The state of one request inside the scheduler. Touched only by the scheduler thread after submit.
 */
final class Sequence {
  final int[] prompt;
  final SamplingParams sampling;
  final int maxTokens;
  final Set<Integer> stopTokens;

  /** {@link #topLogprobs} when the request wants no logprobs: none are computed. */
  static final int NO_LOGPROBS = -1;

  final int topLogprobs;
  final TokenSink sink;

  /**
   * True for {@link Engine#logits}: run the prompt, hand back the last logits, generate nothing.
   */
  final boolean logitsOnly;

  final KvCache cache;
  final int[] tokens;
  int count;

  /** Tokens already run through the model (positions 0..fed-1 are in the cache). */
  int fed;

  final int[] generatedCounts;
  final List<TokenLogprob> logprobs = new ArrayList<>();
  final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
  final CompletableFuture<float[]> logits = new CompletableFuture<>();

  Sequence(
      int[] prompt,
      SamplingParams sampling,
      int maxTokens,
      Set<Integer> stopTokens,
      int topLogprobs,
      TokenSink sink,
      boolean logitsOnly,
      KvCache cache,
      int vocab) {
    this.prompt = prompt;
    this.sampling = sampling;
    this.maxTokens = maxTokens;
    this.stopTokens = stopTokens;
    this.topLogprobs = topLogprobs;
    this.sink = sink;
    this.logitsOnly = logitsOnly;
    this.cache = cache;
    this.tokens = Arrays.copyOf(prompt, cache.capacity + 1);
    this.count = prompt.length;
    this.generatedCounts = new int[vocab];
  }

  boolean prefilling() {
    return fed < prompt.length;
  }

  int generated() {
    return count - prompt.length;
  }

  void finish(FinishReason reason) {
    result.complete(
        new GenerationResult(
            Arrays.copyOfRange(tokens, prompt.length, count), reason, logprobs, prompt.length));
  }

  void fail(Throwable t) {
    result.completeExceptionally(t);
    logits.completeExceptionally(t);
  }
}
