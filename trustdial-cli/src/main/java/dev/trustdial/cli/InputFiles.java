package dev.trustdial.cli;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a file the user named on the command line, with a size limit and a one-line error (exit 2).
 */
public final class InputFiles {
  private InputFiles() {}

  /** {@code what} names the file in messages (e.g. "--program", "snapshot"). */
  public static byte[] read(Path p, String what, long maxBytes) {
    try {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(what + " " + p + " is not a readable file");
      }
      long size = Files.size(p);
      if (size > maxBytes) {
        throw new InvalidInputException(
            what + " " + p + " is " + size + " bytes, above the " + maxBytes + "-byte limit");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " " + p + ": " + e.getMessage(), e);
    }
  }
}
