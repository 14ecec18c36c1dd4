package dev.trustdial.cli.attest;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustdial attest sim-init}: creates a per-install simulated TEE (INSECURE, dev only). */
@Command(
    name = "sim-init",
    mixinStandardHelpOptions = true,
    description = "Create a simulated TEE install (INSECURE: no hardware; for development only).")
public final class AttestSimInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      required = true,
      paramLabel = "DIR",
      description = "Where to write the install.")
  Path dir;

  @Override
  public Integer call() {
    SimulatedTee tee = SimulatedTee.createInstall(new SecureRandom(), Instant.now());
    try {
      tee.save(dir);
    } catch (IOException e) {
      throw new InvalidInputException("cannot write the install to " + dir + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("created an INSECURE simulated TEE install in " + dir);
    out.println("root certificate  " + dir.resolve("sim-root.pem"));
    out.println("root SHA-256      " + Hex.encodeBare(Certificates.sha256Fingerprint(tee.root())));
    out.println(
        "verifiers accept its evidence only with --simulation-root; verdicts say simulated: true");
    out.flush();
    return 0;
  }
}
