package dev.trustdial.zk;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinned ZK toolchain ({@code npm ci} installs snarkjs, circom2, solc and circomlib into the
 * repository's node_modules) and the one place this module runs node processes: each runs with a
 * timeout, stdin closed, its output captured (colour codes removed), and fails with a {@link
 * ToolFailedException} that ends with the tail of what it printed.
 */
public final class Snarkjs {
  private static final Logger LOG = LoggerFactory.getLogger(Snarkjs.class);
  static final String SNARKJS = "node_modules/snarkjs/build/cli.cjs";
  static final String CIRCOM = "node_modules/circom2/cli.js";
  static final String SOLCJS = "node_modules/solc/solc.js";
  static final String CIRCOMLIB = "node_modules/circomlib/circuits";

  /** Output kept per stream; the tail wins (errors come last). */
  private static final int MAX_CAPTURE = 1 << 20;

  private static final int TAIL = 2000;
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private final Path node;
  private final Path home;

  private Snarkjs(Path node, Path home) {
    this.node = node;
    this.home = home;
  }

  /**
   * Finds node on PATH and the repository that holds the toolchain: {@code $TRUSTDIAL_HOME} (set by
   * ./trustdial), else the nearest directory above the working directory holding pom.xml and
   * node_modules/snarkjs. Throws an {@link IllegalStateException} naming what is missing.
   */
  public static Snarkjs locate() {
    Path home = findHome(System.getenv("TRUSTDIAL_HOME"), Path.of(""));
    for (String required : List.of(SNARKJS, CIRCOM, SOLCJS, CIRCOMLIB)) {
      if (!Files.exists(home.resolve(required))) {
        throw new IllegalStateException(
            required + " not found under " + home + ": run ./trustdial build (npm ci)");
      }
    }
    Path node =
        onPath("node")
            .orElseThrow(() ->
                new IllegalStateException(
                    "node not found on PATH: install Node.js 20 or later (./trustdial build installs it with apt-get)"));
    return new Snarkjs(node, home);
  }

  /** The repository root (the directory holding node_modules). */
  public Path home() {
    return home;
  }

  /**
   * The include directory circom2 gets as {@code -l}, so circuits can include
   * "circomlib/circuits/...".
   */
  public Path nodeModules() {
    return home.resolve("node_modules");
  }

  /** {@code node snarkjs/build/cli.cjs args...} in {@code workDir}. */
  public ToolOutput snarkjs(Path workDir, Duration timeout, String... args) {
    return run("snarkjs", home.resolve(SNARKJS), workDir, timeout, args);
  }

  /**
   * {@code node circom2/cli.js args...} with absolute paths as arguments. It runs in the file
   * system root: circom2 (circom in WASI) rewrites path arguments relative to its working directory
   * and then cannot resolve includes along a path through "..".
   */
  public ToolOutput circom(Duration timeout, String... args) {
    for (String a : args) {
      if (!a.startsWith("-") && !Path.of(a).isAbsolute()) {
        throw new IllegalArgumentException("circom2 takes absolute paths here, not " + a);
      }
    }
    return run("circom2", home.resolve(CIRCOM), home.getRoot(), timeout, args);
  }

  /** {@code node solc/solc.js args...} (solcjs) in {@code workDir}. */
  public ToolOutput solcjs(Path workDir, Duration timeout, String... args) {
    return run("solcjs", home.resolve(SOLCJS), workDir, timeout, args);
  }

  /** What a process printed, colour codes removed. */
  public record ToolOutput(String stdout, String stderr) {
    /** stdout then stderr. */
    public String all() {
      return stdout.isEmpty() ? stderr : stderr.isEmpty() ? stdout : stdout + "\n" + stderr;
    }
  }

  private ToolOutput run(String tool, Path script, Path workDir, Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(node.toString(), script.toString()));
    command.addAll(List.of(args));
    String shown = tool + " " + String.join(" ", args);
    LOG.debug("running {} in {}", shown, workDir);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ToolFailedException("cannot start " + shown + ": " + e.getMessage(), e);
    }
    Capture out = Capture.of(p.getInputStream());
    Capture err = Capture.of(p.getErrorStream());
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new ToolFailedException(shown + " was interrupted", e);
    }
    if (!finished) {
      kill(p);
      ToolOutput o = new ToolOutput(out.text(), err.text());
      throw new ToolFailedException(
          shown + " did not finish within " + timeout.toSeconds() + " s" + tail(o), -1, o.all());
    }
    ToolOutput o = new ToolOutput(out.text(), err.text());
    if (p.exitValue() != 0) {
      throw new ToolFailedException(
          shown + " failed (exit " + p.exitValue() + ")" + tail(o), p.exitValue(), o.all());
    }
    return o;
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(ToolOutput o) {
    String all = o.all().strip();
    return all.isEmpty() ? "" : ":\n" + tail(all);
  }

  /** The last {@value #TAIL} characters of a tool's output (its errors come last). */
  static String tail(String output) {
    String all = output.strip();
    return all.length() <= TAIL ? all : "..." + all.substring(all.length() - TAIL);
  }

  /** Reads a stream to its end on a virtual thread, keeping the last {@link #MAX_CAPTURE} bytes. */
  private static final class Capture {
    private final Thread reader;
    private volatile byte[] buffer = new byte[0];

    private Capture(InputStream in) {
      reader =
          Thread.ofVirtual()
              .start(() -> {
                ByteArrayOutputStream acc = new ByteArrayOutputStream();
                try (in) {
                  byte[] chunk = new byte[8192];
                  int n;
                  while ((n = in.read(chunk)) >= 0) {
                    acc.write(chunk, 0, n);
                    if (acc.size() > 2 * MAX_CAPTURE) {
                      byte[] all = acc.toByteArray();
                      acc.reset();
                      acc.write(all, all.length - MAX_CAPTURE, MAX_CAPTURE);
                    }
                  }
                } catch (IOException e) {
                  // The process was killed and its pipe closed: keep what it printed until then.
                }
                byte[] all = acc.toByteArray();
                buffer =
                    all.length <= MAX_CAPTURE
                        ? all
                        : Arrays.copyOfRange(all, all.length - MAX_CAPTURE, all.length);
              });
    }

    static Capture of(InputStream in) {
      return new Capture(in);
    }

    String text() {
      try {
        if (!reader.join(Duration.ofSeconds(10))) {
          return "";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
      return ANSI.matcher(new String(buffer, StandardCharsets.UTF_8)).replaceAll("");
    }
  }

  static Path findHome(String env, Path workingDirectory) {
    if (env != null && !env.isBlank()) {
      Path home = Path.of(env).toAbsolutePath().normalize();
      if (!Files.isDirectory(home.resolve("node_modules/snarkjs"))) {
        throw new IllegalStateException(
            "node_modules/snarkjs not found under "
                + home
                + " ($TRUSTDIAL_HOME): run ./trustdial build (npm ci)");
      }
      return home;
    }
    Path start = workingDirectory.toAbsolutePath().normalize();
    Path checkout = null;
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isDirectory(p.resolve("node_modules/snarkjs"))) {
        return p;
      }
      if (checkout == null
          && Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isRegularFile(p.resolve("trustdial"))) {
        checkout = p;
      }
    }
    if (checkout != null) {
      throw new IllegalStateException(
          "node_modules/snarkjs not found under " + checkout + ": run ./trustdial build (npm ci)");
    }
    throw new IllegalStateException(
        "cannot find the TrustDial checkout: no directory above "
            + start
            + " holds pom.xml and node_modules/snarkjs; run ./trustdial from the repository or set TRUSTDIAL_HOME");
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
