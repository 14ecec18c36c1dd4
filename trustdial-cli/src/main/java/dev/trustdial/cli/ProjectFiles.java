package dev.trustdial.cli;

import dev.trustdial.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files the build makes inside the project (the demo's guest, the example TEE app): looked up under
 * {@code $TRUSTDIAL_HOME} (set by ./trustdial), the working directory, then its parent (a module
 * directory, as in the tests).
 */
public final class ProjectFiles {
  private ProjectFiles() {}

  /** Where {@code relative} is looked for, in order. */
  public static List<Path> candidates(String relative) {
    List<Path> out = new ArrayList<>();
    String home = System.getenv("TRUSTDIAL_HOME");
    if (home != null) {
      out.add(Path.of(home).resolve(relative));
    }
    out.add(Path.of(relative));
    out.add(Path.of("..").resolve(relative));
    return out;
  }

  /** The first existing candidate, or a clear error saying where it looked and how to build it. */
  public static Path find(String relative, String what, String howToBuild) {
    List<Path> c = candidates(relative);
    return c.stream()
        .filter(Files::exists)
        .findFirst()
        .map(Path::toAbsolutePath)
        .orElseThrow(() ->
            new InvalidInputException(what + " is not built (looked at " + c + "); " + howToBuild));
  }

  /** The example TEE app as one shaded JAR (built by the trustdial-price-agent module). */
  public static Path priceAgentJar() {
    return find(
        "trustdial-tee/examples/price-agent/target/price-agent-app/price-agent.jar",
        "the example TEE app price-agent.jar",
        "build the project (./trustdial build)");
  }

  /** The example TEE app as a directory (price-agent.jar with lib/), a command with its files. */
  public static Path priceAgentDirectory() {
    return find(
        "trustdial-tee/examples/price-agent/target/price-agent",
        "the example TEE app directory",
        "build the project (./trustdial build)");
  }
}
