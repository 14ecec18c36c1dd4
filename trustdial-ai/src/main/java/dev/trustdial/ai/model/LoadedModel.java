package dev.trustdial.ai.model;

import dev.trustdial.ai.Invariant;
import java.util.Map;

/**
 * A model ready to run: its config, weights (views into the mapped file), the GGUF metadata (empty
 * for llama2.c files) and the sha256 of the file. Closing it unmaps the file.
 */
public record LoadedModel(
    ModelConfig config,
    ModelWeights weights,
    Map<String, Object> metadata,
    String fileSha256,
    AutoCloseable mapping)
    implements AutoCloseable {
  public LoadedModel {
    metadata = Map.copyOf(metadata);
    Invariant.check(fileSha256.length() == 64, "a model's sha256 is 64 hex chars");
  }

  @Override
  public void close() {
    try {
      mapping.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot unmap model file", e);
    }
  }
}
