package dev.trustdial.vm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example guest ELFs that setup.sh builds into target/guest/. Missing ones fail the test. */
public final class Guests {
  private Guests() {}

  public static final Path DIR = Path.of("target", "guest");

  public static byte[] elf(String name) {
    Path p = DIR.resolve(name + ".elf");
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "guest "
              + p.toAbsolutePath()
              + " is missing: run trustdial-vm/setup.sh first "
              + "(it installs the RISC-V toolchain and qemu-user and builds the guests)");
    }
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] resource(String name) {
    try (var in = Guests.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
