package dev.trustdial.ai.inference;

/**
 * Limits on what one request may ask for; exceeding one is an {@link ApiException} (a 4xx).
 *
 * @param maxPromptTokens prompt length after templating and tokenization
 * @param maxTokens largest max_tokens accepted
 * @param defaultMaxTokens max_tokens when the request gives none (capped by the context left)
 * @param maxMessages chat messages per request
 * @param maxStop stop strings per request
 * @param maxStopChars length of one stop string
 */
public record RequestLimits(
    int maxPromptTokens,
    int maxTokens,
    int defaultMaxTokens,
    int maxMessages,
    int maxStop,
    int maxStopChars) {

  public RequestLimits {
    if (maxPromptTokens < 1
        || maxTokens < 1
        || defaultMaxTokens < 1
        || maxMessages < 1
        || maxStop < 0
        || maxStopChars < 1) {
      throw new IllegalArgumentException("request limits must be positive: " + this);
    }
  }

  public static RequestLimits defaults() {
    return new RequestLimits(8192, 4096, 256, 256, 4, 256);
  }
}
