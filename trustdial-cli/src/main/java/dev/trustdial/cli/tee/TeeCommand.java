package dev.trustdial.cli.tee;

import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.runtime.LaunchConfig;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial tee}: TEE apps on the dev runtime (simulated backend) and their onchain records.
 */
@Command(
    name = "tee",
    mixinStandardHelpOptions = true,
    description =
        "Measure, register, run and check TEE apps (dev runtime: simulated backend, INSECURE).",
    subcommands = {
      TeeMeasureCommand.class,
      TeePolicyCommand.class,
      TeeCreateAppCommand.class,
      TeeUpgradeAppCommand.class,
      TeeSetSignerCommand.class,
      TeeRunCommand.class,
      TeeSubmitJobCommand.class,
      TeePriceFeedCommand.class,
      TeeVerifyAnswerCommand.class,
      TeeTranscriptCommand.class
    })
public final class TeeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static byte[] read(Path p, long max, String what) {
    try {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(what + " " + p + " does not exist or is not a file");
      }
      if (Files.size(p) > max) {
        throw new InvalidInputException(
            what + " " + p + " is " + Files.size(p) + " bytes (max " + max + ")");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " " + p + ": " + e.getMessage());
    }
  }

  static byte[] config(Path p) {
    byte[] b = read(p, LaunchConfig.MAX_BYTES, "launch configuration");
    LaunchConfig.parse(b);
    return b;
  }

  static AppMeasurement measure(BigInteger appId, Path artifact, Path config) {
    if (!Files.exists(artifact)) {
      throw new InvalidInputException("artifact " + artifact + " does not exist");
    }
    return new AppMeasurement(appId, ArtifactDigest.of(artifact), config(config));
  }

  static AppPolicy readPolicy(Path p) {
    try {
      return AppPolicy.decode(read(p, AppPolicy.MAX_BYTES, "policy"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("policy " + p + ": " + e.getMessage());
    }
  }

  public static X509Certificate readRoot(Path p) {
    try {
      List<X509Certificate> c =
          Certificates.fromDerOrPem(read(p, 64 * 1024, "simulation root"), "simulation root");
      if (c.size() != 1) {
        throw new InvalidInputException("--simulation-root must hold one certificate");
      }
      return c.getFirst();
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    }
  }

  static void printTx(PrintWriter out, TxOutcome tx) {
    out.println("  tx " + tx);
  }
}
