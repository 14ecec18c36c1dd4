package dev.trustdial.cli.tee;

import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.tee.kms.SealedSecret;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What launches an app, shared by 'run' (here, now) and 'submit-job' (on an operator, via DA). */
final class LaunchOptions extends AppArtifact {
  @Option(
      names = "--secrets",
      paramLabel = "FILE",
      description = "Sealed developer secrets ('trustdial kms seal-secret').")
  Optional<Path> secrets;

  List<SealedSecret> sealedSecrets() {
    return secrets.map(p -> KmsCommand.SecretsFile.read(p, id())).orElse(List.of());
  }
}
