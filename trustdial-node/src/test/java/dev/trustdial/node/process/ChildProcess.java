package dev.trustdial.node.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A node in its own JVM, started from the test classpath, ready once it prints "listening"; killed with SIGKILL. */
final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final String readyLine;
  final Path log;

  private ChildProcess(Process process, String readyLine, Path log) {
    this.process = process;
    this.readyLine = readyLine;
    this.log = log;
  }

  static ChildProcess start(Class<?> main, List<String> args, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("listening ")) {
            return line;
          }
        }
        return "";
      } catch (IOException e) {
        return "";
      }
    });
    // Generous: JVMs start slowly on a shared, busy machine.
    String line = ready.get(180, TimeUnit.SECONDS);
    if (line.isEmpty()) {
      p.destroyForcibly();
      throw new IllegalStateException(main.getSimpleName() + " exited before listening; see " + log);
    }
    return new ChildProcess(p, line, log);
  }

  /** The word after {@code key} in the ready line ("listening PORT account ADDR"). */
  String ready(String key) {
    String[] w = readyLine.split(" ");
    for (int i = 0; i + 1 < w.length; i++) {
      if (w[i].equals(key)) {
        return w[i + 1];
      }
    }
    throw new IllegalStateException("no " + key + " in '" + readyLine + "'");
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
