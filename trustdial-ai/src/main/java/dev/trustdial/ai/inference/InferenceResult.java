package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.receipt.CanonicalJson;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.json.Json;
import java.util.List;

/**
 * What one run of a request gives: the request with max_tokens and seed resolved (its {@link
 * ApiRequest#canonical()} form is what a receipt or a job commitment binds), the prompt and output
 * token ids, the output text cut at stop strings, and "stop" or "length".
 */
public record InferenceResult(
    ApiRequest request,
    int[] promptTokens,
    int[] outputTokens,
    List<TokenLogprob> logprobs,
    String text,
    String finishReason) {

  public InferenceResult {
    promptTokens = promptTokens.clone();
    outputTokens = outputTokens.clone();
    logprobs = List.copyOf(logprobs);
    if (!finishReason.equals("stop") && !finishReason.equals("length")) {
      throw new IllegalArgumentException(
          "finish reason must be stop or length, got " + finishReason);
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

  /**
   * The canonical JSON output document of an inference job (docs/spec/job-input.md): finish_reason,
   * model_sha256, output_tokens, prompt_tokens_hash, the canonical request and the text. Its
   * keccak256 is the job's onchain outputHash; the node writes it to DA and the explorer re-derives
   * it.
   */
  public byte[] outputDocument(String modelSha256) {
    ObjectNode out = DOCUMENT.createObjectNode();
    out.put("finish_reason", finishReason);
    out.put("model_sha256", modelSha256);
    var tokens = out.putArray("output_tokens");
    for (int t : outputTokens) {
      tokens.add(t);
    }
    out.put("prompt_tokens_hash", promptTokensHash().toHex());
    out.set("request", request.canonical());
    out.put("text", text);
    return CanonicalJson.encode(out);
  }

  private static final ObjectMapper DOCUMENT = Json.mapper();

  /** docs/spec/receipt.md output_text_hash. */
  public Bytes32 textHash() {
    return TokenHashes.text(text);
  }
}
