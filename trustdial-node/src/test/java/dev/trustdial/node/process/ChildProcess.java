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
        "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp", classpath(), main.getName()));
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

  private static String classpath;

  /**
   * The test classpath with our own modules' jars copied aside once: other builds on this machine
   * reinstall them into ~/.m2 while a long IT runs, and a JVM reading a jar being rewritten fails.
   */
  static synchronized String classpath() {
    if (classpath == null) {
      try {
        Path copies = java.nio.file.Files.createTempDirectory("trustdial-node-it-cp");
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
          Path p = Path.of(entry);
          if (entry.endsWith(".jar") && entry.contains("/dev/trustdial/")) {
            Path copy = copies.resolve(p.getFileName());
            java.nio.file.Files.copy(p, copy);
            out.add(copy.toString());
          } else {
            out.add(entry);
          }
        }
        classpath = String.join(java.io.File.pathSeparator, out);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return classpath;
  }

  /**
   * Loads every class of our own modules' jars into this JVM now, for the same reason as
   * {@link #classpath()}: a class first needed minutes later may by then sit in a half-rewritten jar.
   */
  static void preloadOwnClasses() throws IOException {
    ClassLoader loader = ChildProcess.class.getClassLoader();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !entry.contains("/dev/trustdial/")) {
        continue;
      }
      try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(entry)) {
        for (var e : java.util.Collections.list(zip.entries())) {
          String name = e.getName();
          if (name.endsWith(".class") && !name.contains("module-info")) {
            try {
              Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
            } catch (ClassNotFoundException | LinkageError ignored) {
              // An optional dependency's class we never use.
            }
          }
        }
      }
    }
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
