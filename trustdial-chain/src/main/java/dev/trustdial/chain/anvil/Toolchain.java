package dev.trustdial.chain.anvil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's pinned tools (installed by {@code npm ci} into node_modules). Looks at
 * $TRUSTDIAL_HOME (set by the ./trustdial launcher), then walks up from the working directory.
 */
public final class Toolchain {
  private static final String ANVIL = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

  private Toolchain() {}

  public static Path projectHome() {
    return findHome()
        .orElseThrow(() ->
            new IllegalStateException(
                "cannot find the TrustDial checkout (no "
                    + ANVIL
                    + " above "
                    + Path.of("").toAbsolutePath()
                    + "); run ./trustdial from the repository, which installs the pinned anvil with npm ci"));
  }

  public static Path anvil() {
    String override = System.getenv("TRUSTDIAL_ANVIL");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return projectHome().resolve(ANVIL);
  }

  private static Optional<Path> findHome() {
    String env = System.getenv("TRUSTDIAL_HOME");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env).resolve(ANVIL))) {
      return Optional.of(Path.of(env).toAbsolutePath());
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve(ANVIL))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
