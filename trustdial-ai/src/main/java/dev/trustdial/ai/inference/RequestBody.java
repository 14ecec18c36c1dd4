package dev.trustdial.ai.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.json.Json;
import java.io.IOException;

/**
 * Reads an OpenAI request body from bytes, the same way wherever it comes from (an HTTP POST to
 * {@code trustdial ai serve}, an inference job's input on DA): the shared strict mapper (duplicate
 * keys refused, depth and size capped), a size limit, and text that must be valid Unicode.
 */
public final class RequestBody {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = Json.mapper();

  private RequestBody() {}

  /**
   * The request as a JSON tree; a body over {@code maxBytes} is a 413, one that is not JSON, is
   * empty, holds a duplicate key or an unpaired surrogate a 400.
   */
  public static JsonNode parse(byte[] raw, int maxBytes) {
    if (raw.length > maxBytes) {
      throw new ApiException(
          413,
          "invalid_request_error",
          "",
          "request_too_large",
          "the request body exceeds " + maxBytes + " bytes");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("", "the request body is not valid JSON: " + Json.describe(e));
    } catch (IOException e) {
      throw ApiException.badRequest("", "the request body could not be read: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw ApiException.badRequest("", "the request body is empty");
    }
    TextCheck.requireWellFormed(tree);
    return tree;
  }
}
