package dev.trustdial.ai.engine;

/**
 * Receives each generated token as soon as it is sampled. Runs on the engine's scheduler thread:
 * keep it quick.
 */
@FunctionalInterface
public interface TokenSink {
  /** Returns false to stop the generation now (finish reason CANCELLED). */
  boolean accept(int token, TokenLogprob logprob);

  static TokenSink discard() {
    return (token, logprob) -> true;
  }
}
