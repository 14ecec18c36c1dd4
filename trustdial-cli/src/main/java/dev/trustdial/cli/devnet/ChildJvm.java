package dev.trustdial.cli.devnet;

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
 * Starts a devnet process (DA node, operator, watchtower) as its own JVM on this JVM's classpath,
 * output appended to a log, and waits until it prints {@code listening PORT ...}: the one
 * readiness signal every node main prints.
 */
final class ChildJvm {
  /** A started process: the port it listens on, its ready line, and its log. */
  record Started(String name, Process process, int port, String readyLine, Path log) {
    /** The word after {@code key} in the ready line ("listening PORT account ADDR"). */
    String word(String key) {
      String[] w = readyLine.split(" ");
      for (int i = 0; i + 1 < w.length; i++) {
        if (w[i].equals(key)) {
          return w[i + 1];
        }
      }
      throw new IllegalStateException(name + " printed no " + key + " in '" + readyLine + "'");
    }
  }

  private static final Pattern LISTENING = Pattern.compile("^listening (\\d+).*$", Pattern.MULTILINE);

  private ChildJvm() {}

  /** This JVM's class path with every entry made absolute: children run in their own working directories. */
  static String absoluteClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /** {@code jvmFlags} go before the class path (e.g. C1-only for processes that do little Java compute). */
  static Started start(String name, Class<?> main, List<String> jvmFlags, List<String> args, Path workDir, Path log, Duration timeout) {
    try {
      Files.createDirectories(workDir);
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
          "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
      cmd.addAll(jvmFlags);
      cmd.addAll(List.of("-cp", absoluteClassPath(), main.getName()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (System.getenv("TRUSTDIAL_HOME") == null) {
        // A child runs in its own directory: tell it where the checkout (its ZK toolchain) is, when we know.
        try {
          pb.environment().put("TRUSTDIAL_HOME", dev.trustdial.zk.Snarkjs.locate().home().toString());
        } catch (IllegalStateException noToolchain) {
          // The child finds none either and says so (it declines ZK jobs).
        }
      }
      Process p = pb.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String text = Files.exists(log) ? Files.readString(log) : "";
        Matcher m = LISTENING.matcher(text.substring((int) Math.min(logStart, text.length())));
        if (m.find()) {
          return new Started(name, p, Integer.parseInt(m.group(1)), m.group(), log);
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
