package dev.trustdial.ai.receipt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a receipt signs (docs/spec/receipt.md). The request is the canonical request JSON
 * (defaults resolved); request_hash and output_tokens_hash are derived from it and the tokens.
 */
public record ReceiptBody(
    long created,
    Address operator,
    ModelBinding model,
    ObjectNode request,
    SamplingParams sampling,
    int promptTokenCount,
    Bytes32 promptTokensHash,
    int[] outputTokens,
    Bytes32 outputTextHash,
    String finishReason) {

  public static final String TYPE = "trustdial.inference_receipt.v1";
  public static final Set<String> FINISH_REASONS = Set.of("stop", "length");

  /** Upper bound on output tokens a receipt may carry. */
  public static final int MAX_OUTPUT_TOKENS = 1 << 20;

  public ReceiptBody {
    Objects.requireNonNull(operator);
    Objects.requireNonNull(model);
    request = request.deepCopy();
    Objects.requireNonNull(sampling);
    Objects.requireNonNull(promptTokensHash);
    outputTokens = outputTokens.clone();
    Objects.requireNonNull(outputTextHash);
    if (created < 0) {
      throw new InvalidInputException("receipt: created must be >= 0");
    }
    if (promptTokenCount < 1) {
      throw new InvalidInputException("receipt: prompt_token_count must be >= 1");
    }
    if (outputTokens.length > MAX_OUTPUT_TOKENS) {
      throw new InvalidInputException("receipt: more than " + MAX_OUTPUT_TOKENS + " output tokens");
    }
    for (int t : outputTokens) {
      if (t < 0) {
        throw new InvalidInputException("receipt: negative output token id " + t);
      }
    }
    if (!FINISH_REASONS.contains(finishReason)) {
      throw new InvalidInputException(
          "receipt: finish_reason must be stop or length, got " + finishReason);
    }
  }

  @Override
  public ObjectNode request() {
    return request.deepCopy();
  }

  @Override
  public int[] outputTokens() {
    return outputTokens.clone();
  }

  public Bytes32 requestHash() {
    return Hashes.keccak256(CanonicalJson.encode(request));
  }

  public Bytes32 outputTokensHash() {
    return TokenHashes.tokens(outputTokens);
  }

  /** The RFC 8785 encoding of the signed fields: the bytes whose keccak256 is signed. */
  public byte[] canonicalEncoding() {
    return CanonicalJson.encode(ReceiptJson.bodyJson(this));
  }

  /** keccak256 of the canonical encoding; also the receipt id. */
  public Bytes32 digest() {
    return Hashes.keccak256(canonicalEncoding());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceiptBody b
        && created == b.created
        && operator.equals(b.operator)
        && model.equals(b.model)
        && request.equals(b.request)
        && sampling.equals(b.sampling)
        && promptTokenCount == b.promptTokenCount
        && promptTokensHash.equals(b.promptTokensHash)
        && Arrays.equals(outputTokens, b.outputTokens)
        && outputTextHash.equals(b.outputTextHash)
        && finishReason.equals(b.finishReason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        created,
        operator,
        model,
        request,
        sampling,
        promptTokenCount,
        promptTokensHash,
        Arrays.hashCode(outputTokens),
        outputTextHash,
        finishReason);
  }
}
