package dev.trustdial.cli.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./trustdial} launcher as a user runs it (issue #14 item 15): a command that runs no
 * inference prints no JVM warning about incubator modules on stderr, and the inference commands
 * still get the Vector API. Runs the built classes ({@code TRUSTDIAL_NO_BUILD=1}: no rebuild inside
 * the Maven build that runs this test).
 */
class LauncherIT {
  static final Path LAUNCHER = Path.of("..", "trustdial").toAbsolutePath().normalize();

  record Run(int code, String out, String err) {}

  static Run run(String... args) throws Exception {
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    String[] cmd = new String[args.length + 2];
    cmd[0] = "bash";
    cmd[1] = LAUNCHER.toString();
    System.arraycopy(args, 0, cmd, 2, args.length);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("TRUSTDIAL_NO_BUILD", "1");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void commandsWithoutInferencePrintNoIncubatorWarning() throws Exception {
    for (String cmd : new String[] {"vm", "chain", "da", "zk", "attest"}) {
      Run r = run(cmd, "--help");
      assertThat(r.code()).as(cmd + ": " + r.err()).isZero();
      assertThat(r.out()).contains("Usage: trustdial " + cmd);
      assertThat(r.err()).as(cmd).doesNotContain("incubator");
    }
  }

  @Test
  void inferenceCommandsStillLoadTheVectorApi() throws Exception {
    Run r = run("ai", "--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: trustdial ai");
    assertThat(r.err())
        .contains("jdk.incubator.vector"); // the JVM's own notice: the module is loaded
  }

  @Test
  void aCopiedOrMovedCheckoutRebuildsInsteadOfRunningTheOtherCheckoutsJars() throws Exception {
    // A checkout holding only the launcher and a built marker: its class path names its own jars,
    // then another checkout's.
    Path root = Files.createTempDirectory("checkout");
    Files.copy(LAUNCHER, root.resolve("trustdial"));
    Path target = Files.createDirectories(root.resolve("trustdial-cli").resolve("target"));
    Files.writeString(
        target.resolve("classpath.txt"),
        root.resolve("trustdial-core/target/classes") + ":/x/y.jar");
    Files.writeString(target.resolve(".built"), "");
    assertThat(staleCheck(root)).as("own jars, nothing newer: runs what is built").isEqualTo(1);
    Files.writeString(
        target.resolve("classpath.txt"),
        "/elsewhere/trustdial/trustdial-core/target/classes:/x/y.jar");
    assertThat(staleCheck(root)).as("another checkout's jars: rebuilds").isZero();
  }

  static int staleCheck(Path root) throws Exception {
    Process p =
        new ProcessBuilder("bash", root.resolve("trustdial").toString(), "stale-check")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
