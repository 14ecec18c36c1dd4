package dev.trustdial.ai.server;

import dev.trustdial.ai.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@link dev.trustdial.ai.inference.EngineBackend} under its former name, which trustdial-cli still
 * imports; new code uses the inference package's class.
 */
public final class EngineBackend extends dev.trustdial.ai.inference.EngineBackend {

  private EngineBackend(dev.trustdial.ai.inference.EngineBackend loaded) {
    super(loaded);
  }

  public static EngineBackend load(
      Path model, Optional<Path> tokenizerFile, EngineOptions options) {
    return new EngineBackend(
        dev.trustdial.ai.inference.EngineBackend.load(model, tokenizerFile, options));
  }
}
