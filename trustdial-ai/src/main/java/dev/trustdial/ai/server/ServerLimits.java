package dev.trustdial.ai.server;

import dev.trustdial.ai.inference.RequestLimits;

/**
 * Limits on what clients may ask for; exceeding one is a 4xx with an OpenAI-style error.
 *
 * @param maxBodyBytes request body size
 * @param maxPromptTokens prompt length after templating and tokenization
 * @param maxTokens largest max_tokens accepted
 * @param defaultMaxTokens max_tokens when the request gives none (capped by the context left)
 * @param maxConcurrent generations running at once; more get 429
 * @param maxMessages chat messages per request
 * @param maxStop stop strings per request
 * @param maxStopChars length of one stop string
 * @param storedReceipts receipts kept for GET /v1/receipts/{id} (oldest dropped first)
 */
public record ServerLimits(
    int maxBodyBytes,
    int maxPromptTokens,
    int maxTokens,
    int defaultMaxTokens,
    int maxConcurrent,
    int maxMessages,
    int maxStop,
    int maxStopChars,
    int storedReceipts) {

  public ServerLimits {
    if (maxBodyBytes < 1024
        || maxPromptTokens < 1
        || maxTokens < 1
        || defaultMaxTokens < 1
        || maxConcurrent < 1
        || maxMessages < 1
        || maxStop < 0
        || maxStopChars < 1
        || storedReceipts < 1) {
      throw new IllegalArgumentException("server limits must be positive: " + this);
    }
  }

  public static ServerLimits defaults() {
    RequestLimits r = RequestLimits.defaults();
    return new ServerLimits(
        1 << 20,
        r.maxPromptTokens(),
        r.maxTokens(),
        r.defaultMaxTokens(),
        16,
        r.maxMessages(),
        r.maxStop(),
        r.maxStopChars(),
        10_000);
  }

  /** The part of these limits that bounds one request (the parser's and the prompt's). */
  public RequestLimits requests() {
    return new RequestLimits(
        maxPromptTokens, maxTokens, defaultMaxTokens, maxMessages, maxStop, maxStopChars);
  }

  public ServerLimits withMaxConcurrent(int n) {
    return new ServerLimits(
        maxBodyBytes,
        maxPromptTokens,
        maxTokens,
        defaultMaxTokens,
        n,
        maxMessages,
        maxStop,
        maxStopChars,
        storedReceipts);
  }
}
