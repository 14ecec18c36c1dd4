package dev.trustdial.ai.engine;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the models bundled in src/main/resources/models. */
final class BundledModels {
  private BundledModels() {}

  static Path resource(String name) {
    try {
      return Path.of(BundledModels.class.getResource("/models/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("bundled model " + name + " is missing", e);
    }
  }

  static Path storiesBin() {
    return resource("stories260K.bin");
  }

  static Path storiesGguf() {
    return resource("stories260K.gguf");
  }
}
