package dev.trustdial.da.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A DA node in its own JVM, started from the test classpath and killed with SIGKILL. */
final class NodeProcess implements AutoCloseable {
  private final Process process;

  private NodeProcess(Process process) {
    this.process = process;
  }

  static NodeProcess start(Class<?> main, Path config, Path log) throws Exception {
    return start(main, config, log, List.of());
  }

  /** {@code jvmOptions} come after the defaults (-Xmx256m, …), so they override them. */
  static NodeProcess start(Class<?> main, Path config, Path log, List<String> jvmOptions) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "--enable-native-access=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), config.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
    Process p = pb.start();
    CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("listening ")) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      }
    });
    // Generous: node JVMs start on a shared, busy machine.
    if (!ready.get(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("DA node process exited before listening; see " + log);
    }
    return new NodeProcess(p);
  }

  /** SIGKILL: no shutdown hook, no flush; what survives is what the store had synced. */
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
}
