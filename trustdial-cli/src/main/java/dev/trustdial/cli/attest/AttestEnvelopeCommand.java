package dev.trustdial.cli.attest;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.CollateralFiles;
import dev.trustdial.tee.attest.DecodedEvidence;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.EvidenceFormats;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial attest envelope}: packs evidence and its collateral into one envelope file.
 * Takes the same input forms as {@code attest verify}; the envelope holds the decoded evidence and
 * the collateral in its one-file form (raw Intel PCS responses become the collateral JSON).
 */
@Command(
    name = "envelope",
    mixinStandardHelpOptions = true,
    description = {
      "Pack evidence and its collateral into one evidence envelope (docs/spec/attestation.md).",
      "Evidence and collateral are taken in the forms 'attest verify' accepts (see its help)."
    })
public final class AttestEnvelopeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--evidence", required = true, paramLabel = "FILE")
  Path evidence;

  @Option(
      names = "--collateral",
      paramLabel = "FILE|DIR",
      description = "Collateral files (repeat) or a directory of them, as for 'attest verify'.")
  List<Path> collateral = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE")
  Path out;

  @Override
  public Integer call() {
    DecodedEvidence decoded =
        AttestVerifyCommand.decode(
            AttestVerifyCommand.read(evidence, EvidenceFormats.MAX_INPUT_BYTES, "evidence"));
    if (decoded.isEnvelope()) {
      throw new InvalidInputException(
          "evidence file " + evidence + " is already an evidence envelope");
    }
    byte[] ev = decoded.bytes().toArray();
    List<CollateralFiles.Input> files = AttestVerifyCommand.readCollateral(collateral);
    try {
      // Read the collateral now, so that an envelope is never written with collateral that cannot
      // be read.
      CollateralFiles.Read col = CollateralFiles.read(ev, files);
      byte[] env = EvidenceEnvelope.of(ev, col.envelopeForm().map(Bytes::toArray)).encode();
      Files.write(out, env);
      PrintWriter w = spec.commandLine().getOut();
      decoded.conversions().forEach(c -> w.println("input: " + c));
      col.notes().forEach(c -> w.println("input: " + c));
      w.println("wrote a " + env.length + "-byte evidence envelope to " + out);
      w.flush();
      return 0;
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("collateral does not fit an envelope: " + e.getMessage());
    } catch (IOException e) {
      throw new InvalidInputException("cannot write " + out + ": " + e.getMessage());
    }
  }
}
