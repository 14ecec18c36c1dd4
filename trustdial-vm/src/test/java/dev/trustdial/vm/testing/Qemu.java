package dev.trustdial.vm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an ELF under qemu-riscv32 (the differential reference) with input on stdin. */
public final class Qemu {
  private Qemu() {}

  public record Result(byte[] stdout, int exitCode) {}

  public static Result run(byte[] elf, byte[] input) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("td-qemu");
    try {
      Path prog = dir.resolve("prog.elf");
      Path in = dir.resolve("input");
      Path out = dir.resolve("output");
      Path err = dir.resolve("stderr");
      Files.write(prog, elf);
      // qemu-user's loader insists on the execute bit, as the kernel would
      Files.setPosixFilePermissions(
          prog, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      Files.write(in, input);
      Process p;
      try {
        p =
            new ProcessBuilder("qemu-riscv32", prog.toString())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "qemu-riscv32 is not installed: run trustdial-vm/setup.sh first", e);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("qemu-riscv32 timed out");
      }
      String stderr = Files.readString(err);
      if (stderr.startsWith("qemu-riscv32:") || stderr.contains("Error while loading")) {
        throw new IllegalStateException(
            "qemu-riscv32 could not run the program: " + stderr.strip());
      }
      return new Result(Files.readAllBytes(out), p.exitValue());
    } finally {
      try (var s = Files.list(dir)) {
        for (Path f : s.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }
}
