package dev.trustdial.ai.engine;

import java.util.Map;

/**
 * What a loaded model is, for /v1/models and receipts. {@code determinismProfile} names the
 * reduction scheme version (determinism.md); equal profiles and file digests give equal bits.
 */
public record ModelInfo(
    String name,
    String architecture,
    int contextLength,
    int vocabSize,
    String fileSha256,
    String determinismProfile,
    Map<String, Object> ggufMetadata) {
  public ModelInfo {
    ggufMetadata = Map.copyOf(ggufMetadata);
  }
}
