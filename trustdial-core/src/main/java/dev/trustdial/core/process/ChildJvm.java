package dev.trustdial.core.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Starts a Java main class as its own JVM on this JVM's class path, stdout and stderr appended to a
 * log, and waits until it prints a line {@code listening PORT ...}: the one readiness signal every
 * TrustDial server main prints. The devnet starts its processes this way, and so do the modules'
 * process tests. A child that exits or stays silent past the timeout is killed, and the error
 * quotes its last lines of output.
 */
public final class ChildJvm {
  /** Generous: JVMs start slowly on a shared, busy machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);

  /** Lines of the child's output quoted when it fails to start. */
  static final int TAIL_LINES = 20;

  /**
   * A small heap and the serial collector: many children share one machine. Later flags override
   * these.
   */
  private static final List<String> BASE_FLAGS =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "--enable-native-access=ALL-UNNAMED",
          "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

  private static final Pattern LISTENING = Pattern.compile("listening (\\d+)(?: .*)?");
  private static final Duration POLL = Duration.ofMillis(100);

  private ChildJvm() {}

  /**
   * What to start. {@code jvmFlags} come after the defaults (-Xmx256m, serial GC, native access),
   * so they override them; an empty {@code workDir} means this JVM's working directory.
   */
  public record Launch(
      String name,
      String mainClass,
      List<String> jvmFlags,
      List<String> args,
      Path log,
      Optional<Path> workDir,
      Map<String, String> env,
      Duration timeout) {
    public Launch {
      jvmFlags = List.copyOf(jvmFlags);
      args = List.copyOf(args);
      env = Map.copyOf(env);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("start-up timeout must be positive, got " + timeout);
      }
    }

    /**
     * {@code main} in a child JVM with no flags or arguments of its own, {@link #DEFAULT_TIMEOUT}
     * to start.
     */
    public static Launch of(String name, Class<?> main, Path log) {
      return new Launch(
          name,
          main.getName(),
          List.of(),
          List.of(),
          log,
          Optional.empty(),
          Map.of(),
          DEFAULT_TIMEOUT);
    }

    public Launch withJvmFlags(List<String> flags) {
      return new Launch(name, mainClass, flags, args, log, workDir, env, timeout);
    }

    public Launch withArgs(List<String> newArgs) {
      return new Launch(name, mainClass, jvmFlags, newArgs, log, workDir, env, timeout);
    }

    public Launch withWorkDir(Path dir) {
      return new Launch(name, mainClass, jvmFlags, args, log, Optional.of(dir), env, timeout);
    }

    /** Variables added to the child's environment (it inherits this JVM's). */
    public Launch withEnv(Map<String, String> variables) {
      return new Launch(name, mainClass, jvmFlags, args, log, workDir, variables, timeout);
    }

    public Launch withTimeout(Duration startTimeout) {
      return new Launch(name, mainClass, jvmFlags, args, log, workDir, env, startTimeout);
    }

    /** Starts the child and waits for its ready line; see {@link ChildJvm#start}. */
    public Started start() {
      return ChildJvm.start(this);
    }
  }

  /** A started child: the port it listens on, its ready line, and its log. Closing it kills it. */
  public record Started(String name, Process process, int port, String readyLine, Path log)
      implements AutoCloseable {
    /** The word after {@code key} in the ready line ("listening PORT account ADDR"). */
    public String word(String key) {
      String[] w = readyLine.split(" ");
      for (int i = 0; i + 1 < w.length; i++) {
        if (w[i].equals(key)) {
          return w[i + 1];
        }
      }
      throw new IllegalStateException(name + " printed no " + key + " in '" + readyLine + "'");
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    /**
     * SIGKILL: no shutdown hook runs, nothing is flushed. Waits up to 30 s for the process to end.
     */
    public void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  /**
   * Starts {@code launch.mainClass()} and returns once it has printed {@code listening PORT}.
   * Throws {@link IllegalStateException}, the child killed, when it exits first or the timeout
   * passes; the message quotes its last {@value #TAIL_LINES} lines of output.
   */
  public static Started start(Launch launch) {
    Process p = null;
    boolean ready = false;
    try {
      if (launch.workDir().isPresent()) {
        Files.createDirectories(launch.workDir().get());
      }
      Path logDir = launch.log().toAbsolutePath().getParent();
      if (logDir != null) {
        Files.createDirectories(logDir);
      }
      OutputReader output =
          new OutputReader(launch.log(), Files.exists(launch.log()) ? Files.size(launch.log()) : 0);
      List<String> cmd = new ArrayList<>();
      cmd.add(javaBinary());
      cmd.addAll(BASE_FLAGS);
      cmd.addAll(launch.jvmFlags());
      cmd.addAll(List.of("-cp", absoluteClassPath(), launch.mainClass()));
      cmd.addAll(launch.args());
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
      launch.workDir().ifPresent(d -> pb.directory(d.toFile()));
      pb.environment().putAll(launch.env());
      p = pb.start();
      p.getOutputStream().close(); // no input: a child reading stdin sees its end at once
      long deadline = System.nanoTime() + launch.timeout().toNanos();
      while (true) {
        boolean exited =
            !p.isAlive(); // read after the check, so a ready line printed just before exit is seen
        Optional<Matcher> line = output.readyLine();
        if (line.isPresent()) {
          ready = true;
          return new Started(
              launch.name(),
              p,
              Integer.parseInt(line.get().group(1)),
              line.get().group(),
              launch.log());
        }
        if (exited) {
          throw new IllegalStateException(
              launch.name()
                  + " exited with code "
                  + p.exitValue()
                  + " before listening; "
                  + output.tail());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              launch.name()
                  + " did not print 'listening PORT' within "
                  + launch.timeout().toSeconds()
                  + " s; "
                  + output.tail());
        }
        Thread.sleep(POLL);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + launch.name() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + launch.name(), e);
    } finally {
      if (!ready && p != null) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * This JVM's class path with every entry made absolute: children may run in their own working
   * directories.
   */
  public static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Reads what the child appended to its log since it started, a whole line at a time (so a
   * multi-byte character is never split), keeping only the last lines for error messages.
   */
  private static final class OutputReader {
    private static final int MAX_PARTIAL = 64 << 10;
    private final Path log;
    private long offset;
    private byte[] partial = new byte[0];
    private final ArrayDeque<String> last = new ArrayDeque<>();

    OutputReader(Path log, long offset) {
      this.log = log;
      this.offset = offset;
    }

    Optional<Matcher> readyLine() throws IOException {
      if (!Files.exists(log)) {
        return Optional.empty();
      }
      byte[] fresh;
      try (SeekableByteChannel ch = Files.newByteChannel(log)) {
        long size = ch.size();
        if (size <= offset) {
          return Optional.empty();
        }
        ch.position(offset);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill
        }
        fresh = Arrays.copyOf(buf.array(), buf.position());
      }
      offset += fresh.length;
      byte[] data = new byte[partial.length + fresh.length];
      System.arraycopy(partial, 0, data, 0, partial.length);
      System.arraycopy(fresh, 0, data, partial.length, fresh.length);
      int start = 0;
      for (int i = 0; i < data.length; i++) {
        if (data[i] == '\n') {
          String line = new String(data, start, i - start, StandardCharsets.UTF_8).stripTrailing();
          start = i + 1;
          remember(line);
          Matcher m = LISTENING.matcher(line);
          if (m.matches()) {
            return Optional.of(m);
          }
        }
      }
      // A line still unfinished: keep at most its last MAX_PARTIAL bytes (a ready line is short).
      partial = Arrays.copyOfRange(data, Math.max(start, data.length - MAX_PARTIAL), data.length);
      return Optional.empty();
    }

    private void remember(String line) {
      last.addLast(line);
      if (last.size() > TAIL_LINES) {
        last.removeFirst();
      }
    }

    String tail() {
      List<String> lines = new ArrayList<>(last);
      if (partial.length > 0) {
        lines.add(new String(partial, StandardCharsets.UTF_8));
      }
      if (lines.isEmpty()) {
        return "it printed nothing (log " + log + ")";
      }
      return "its last output (log " + log + "):\n  " + String.join("\n  ", lines);
    }
  }
}
