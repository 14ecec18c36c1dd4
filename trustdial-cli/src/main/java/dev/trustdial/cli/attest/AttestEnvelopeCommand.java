package dev.trustdial.cli.attest;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Evidence;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustdial attest envelope}: packs evidence and its collateral into one envelope file. */
@Command(
    name = "envelope",
    mixinStandardHelpOptions = true,
    description = "Pack evidence and its collateral into one evidence envelope (docs/spec/attestation.md).")
public final class AttestEnvelopeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--evidence", required = true, paramLabel = "FILE") Path evidence;

  @Option(names = "--collateral", paramLabel = "FILE") Optional<Path> collateral;

  @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

  @Override
  public Integer call() {
    byte[] ev = AttestVerifyCommand.read(evidence, Evidence.MAX_BYTES, "evidence");
    Optional<byte[]> col = collateral.map(p -> AttestVerifyCommand.read(p, EvidenceEnvelope.MAX_COLLATERAL, "collateral"));
    try {
      // Parse the collateral now, so that an envelope is never written with collateral that cannot be read.
      AttestationVerifier.readCollateral(ev, col);
      byte[] env = EvidenceEnvelope.of(ev, col).encode();
      Files.write(out, env);
      spec.commandLine().getOut().println("wrote a " + env.length + "-byte evidence envelope to " + out);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    } catch (IOException e) {
      throw new InvalidInputException("cannot write " + out + ": " + e.getMessage());
    }
  }
}
