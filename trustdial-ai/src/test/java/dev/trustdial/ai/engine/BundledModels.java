package dev.trustdial.ai.engine;

import dev.trustdial.ai.model.BundledModel;
import java.nio.file.Path;

/** Paths of the models bundled in src/main/resources/models. */
final class BundledModels {
  private BundledModels() {}

  static Path resource(String name) {
    return BundledModel.path(name);
  }

  static Path storiesBin() {
    return resource("stories260K.bin");
  }

  static Path storiesGguf() {
    return BundledModel.defaultModel();
  }
}
