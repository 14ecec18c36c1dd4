package dev.trustdial.cli.devnet;

import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the devnet's DA nodes as separate JVMs (the same classpath as this one), each reading the
 * operator set from the devnet's chain; waits until each prints the port it listens on.
 */
final class DaNodeProcesses {
  /** A started node: its process, the port it listens on and its log. */
  record Started(String name, Process process, int port, Path log) {}

  private static final Pattern LISTENING = Pattern.compile("^listening (\\d+)$", Pattern.MULTILINE);

  private DaNodeProcesses() {}

  static Started start(String name, Secp256k1Key key, Path devnetDir, Duration timeout) {
    try {
      Path nodeDir = devnetDir.resolve(name);
      Files.createDirectories(nodeDir);
      Path config = nodeDir.resolve("config.json");
      // Port 0: the node picks a free port and prints it; the chain config is the devnet descriptor.
      Files.writeString(config, """
          {"privateKey": "%s", "host": "127.0.0.1", "port": 0, "dataDir": "data",
           "chain": "../%s", "sweepIntervalSeconds": 60, "maxRetentionSeconds": 2592000}
          """.formatted(key.privateKeyHex(), DevnetDescriptor.FILE));
      Path log = nodeDir.resolve("node.log");
      String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), "dev.trustdial.da.node.DaNodeMain", config.toAbsolutePath().toString()));
      Process p = new ProcessBuilder(cmd).directory(nodeDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
        if (m.find()) {
          return new Started(name, p, Integer.parseInt(m.group(1)), log);
        }
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " exited with code " + p.exitValue() + " before listening; see " + log);
        }
        Thread.sleep(100);
      }
      p.destroyForcibly();
      throw new IllegalStateException(name + " did not start listening within " + timeout.toSeconds() + " s; see " + log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }
}
