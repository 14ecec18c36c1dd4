package dev.trustdial.tee.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key material on disk: a new file readable by its owner only from the moment it exists. */
public final class SecretFiles {
  private SecretFiles() {}

  /**
   * Creates {@code file} (it must not exist) with mode rw------- where the file system has POSIX
   * modes, and writes {@code text}.
   */
  public static void writeNew(Path file, String text) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the directory's own protection applies.
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
