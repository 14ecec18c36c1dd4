package dev.trustdial.ai.inference;

import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.core.bytes.Bytes32;
import java.util.List;

/**
 * What one run of a request gives: the request with max_tokens and seed resolved (its
 * {@link ApiRequest#canonical()} form is what a receipt or a job commitment binds), the prompt
 * and output token ids, the output text cut at stop strings, and "stop" or "length".
 */
public record InferenceResult(ApiRequest request, int[] promptTokens, int[] outputTokens, List<TokenLogprob> logprobs,
    String text, String finishReason) {

  public InferenceResult {
    promptTokens = promptTokens.clone();
    outputTokens = outputTokens.clone();
    logprobs = List.copyOf(logprobs);
    if (!finishReason.equals("stop") && !finishReason.equals("length")) {
      throw new IllegalArgumentException("finish reason must be stop or length, got " + finishReason);
    }
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  @Override
  public int[] outputTokens() {
    return outputTokens.clone();
  }

  /** docs/spec/receipt.md prompt_tokens_hash. */
  public Bytes32 promptTokensHash() {
    return TokenHashes.tokens(promptTokens);
  }

  /** docs/spec/receipt.md output_tokens_hash. */
  public Bytes32 outputTokensHash() {
    return TokenHashes.tokens(outputTokens);
  }

  /** docs/spec/receipt.md output_text_hash. */
  public Bytes32 textHash() {
    return TokenHashes.text(text);
  }
}
