package dev.trustdial.ai.server;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The stories260K model shipped in this module's resources (models/README.md), as a file. */
public final class BundledModel {

  public static final String RESOURCE = "/models/stories260K.gguf";

  private BundledModel() {}

  /** The bundled GGUF as a path: the resource itself when unpacked, else a temporary copy. */
  public static Path stories260KGguf() {
    URL url = BundledModel.class.getResource(RESOURCE);
    if (url == null) {
      throw new InvalidInputException("the bundled model " + RESOURCE + " is missing from the classpath");
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    try (InputStream in = url.openStream()) {
      Path dir = Files.createTempDirectory("trustdial-model");
      Path out = dir.resolve("stories260K.gguf");
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      out.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the bundled model", e);
    }
  }
}
