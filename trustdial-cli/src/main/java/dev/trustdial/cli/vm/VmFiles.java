package dev.trustdial.cli.vm;

import java.nio.file.Path;
import java.util.Optional;

/** Reads the files the vm commands take, with limits and user-facing errors. */
final class VmFiles {
  private VmFiles() {}

  static byte[] read(Path p, String what, long maxBytes) {
    return dev.trustdial.cli.InputFiles.read(p, what, maxBytes);
  }

  static byte[] input(Optional<Path> p, long maxBytes) {
    return p.map(path -> read(path, "input", maxBytes)).orElse(new byte[0]);
  }
}
