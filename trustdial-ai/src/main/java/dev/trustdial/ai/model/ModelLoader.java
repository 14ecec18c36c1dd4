package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model file by its content: GGUF (magic "GGUF") or a llama2.c checkpoint. */
public final class ModelLoader {
  private ModelLoader() {}

  public static LoadedModel load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(
          "model file " + file + " does not exist or is not a regular file");
    }
    byte[] magic = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(magic, 0, 4) < 4) {
        throw new InvalidInputException("model file " + file + " is too short to be a model");
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
    boolean gguf = magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
    return gguf ? GgufModelLoader.load(file) : Llama2cLoader.load(file);
  }
}
