package dev.trustdial.cli.vm;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the files the vm commands take, with limits and user-facing errors. */
final class VmFiles {
  private VmFiles() {}

  static byte[] read(Path p, String what, long maxBytes) {
    try {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(what + " " + p + " is not a readable file");
      }
      long size = Files.size(p);
      if (size > maxBytes) {
        throw new InvalidInputException(what + " " + p + " is " + size + " bytes, above the " + maxBytes + "-byte limit");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " " + p + ": " + e.getMessage(), e);
    }
  }

  static byte[] input(Optional<Path> p, long maxBytes) {
    return p.map(path -> read(path, "input", maxBytes)).orElse(new byte[0]);
  }
}
