package dev.trustdial.cli.tee;

import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The app and what is measured of it, shared by 'measure' and {@link LaunchOptions}. */
class AppArtifact {
  @Option(names = "--app-id", required = true)
  String appId;

  @Option(
      names = "--artifact",
      required = true,
      paramLabel = "PATH",
      description = "A JAR file or a directory (a command with its files).")
  Path artifact;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The launch configuration (JSON, measured whole).")
  Path config;

  BigInteger id() {
    return KmsCommand.appId(appId);
  }

  Path existingArtifact() {
    if (!Files.exists(artifact)) {
      throw new InvalidInputException("artifact " + artifact + " does not exist");
    }
    return artifact;
  }
}
