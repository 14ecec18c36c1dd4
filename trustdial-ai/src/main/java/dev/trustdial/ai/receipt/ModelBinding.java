package dev.trustdial.ai.receipt;

import dev.trustdial.core.InvalidInputException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which model produced the output, by content: file and tokenizer digests (sha256, lowercase hex
 * without 0x), the chat template digest where a template was applied, and the engine's determinism
 * profile (equal profiles and digests must give equal bits).
 */
public record ModelBinding(
    String name,
    String fileSha256,
    String tokenizerSha256,
    Optional<String> chatTemplateSha256,
    String determinismProfile) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ModelBinding {
    Objects.requireNonNull(name);
    Objects.requireNonNull(determinismProfile);
    requireSha(fileSha256, "file_sha256");
    requireSha(tokenizerSha256, "tokenizer_sha256");
    chatTemplateSha256.ifPresent(s -> requireSha(s, "chat_template_sha256"));
  }

  private static void requireSha(String s, String field) {
    if (s == null || !SHA256.matcher(s).matches()) {
      throw new InvalidInputException(
          "receipt: model." + field + " must be 64 lowercase hex chars");
    }
  }
}
