package dev.trustdial.ai.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files bundled in this module's resources under /models (stories260K, its tokenizer and reference
 * vectors). Memory mapping needs a real file, so a resource inside a jar is copied once to {@code
 * java.io.tmpdir/trustdial-models/}.
 */
public final class BundledModel {
  /** The default demo model of {@code trustdial ai serve}. */
  public static final String DEFAULT_MODEL = "stories260K.gguf";

  private BundledModel() {}

  public static Path defaultModel() {
    return path(DEFAULT_MODEL);
  }

  public static Path path(String name) {
    URL url = BundledModel.class.getResource("/models/" + name);
    if (url == null) {
      throw new IllegalStateException(
          "bundled resource /models/" + name + " is missing from the classpath");
    }
    try {
      if (url.getProtocol().equals("file")) {
        return Path.of(url.toURI());
      }
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "trustdial-models");
      Files.createDirectories(dir);
      Path target = dir.resolve(name);
      try (InputStream in = url.openStream()) {
        byte[] bytes = in.readAllBytes();
        if (Files.isRegularFile(target)
            && Files.size(target) == bytes.length
            && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
          return target;
        }
        Path tmp = Files.createTempFile(dir, name, ".part");
        Files.write(tmp, bytes);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract bundled model " + name, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
