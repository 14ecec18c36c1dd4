package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.config;
import static dev.trustdial.cli.tee.TeeCommand.printTx;
import static dev.trustdial.cli.tee.TeeCommand.read;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.kms.SealedSecret;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "submit-job",
    description = {
      "Submit a job to a TEE app: an operator launches the artifact in its TEE, checkpoints the app's",
      "sealed state to DA with every heartbeat (a successor restores it), and posts the app's signed answer as the result.",
      "Puts the artifact archive and the job envelope on the devnet's DA (docs/spec/job-input.md, 'TEE jobs')."
    })
final class TeeSubmitJobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DevnetAccount account;

  @Mixin LaunchOptions launch;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "Bytes the app reads from $TRUSTDIAL_JOB_INPUT (at most 1 MiB).")
  Optional<Path> input;

  @Option(
      names = "--max-steps",
      defaultValue = "1024",
      description =
          "Most sealed-state checkpoints the job may post, 1..2^40 (default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(
      names = "--fee",
      defaultValue = "1",
      description = "Fee in TDS (default: ${DEFAULT-VALUE}).")
  String fee;

  @Option(
      names = "--part-bytes",
      defaultValue = "16777216",
      paramLabel = "N",
      description =
          "An artifact larger than this goes to DA as parts of N bytes and a part list, 1..16777216 (default: ${DEFAULT-VALUE}).")
  int partBytes;

  @Override
  public Integer call() {
    BigInteger id = launch.id();
    if (maxSteps < 1 || maxSteps > (1L << 40)) {
      throw new InvalidInputException("--max-steps must be within 1..2^40, got " + maxSteps);
    }
    BigInteger wei = dev.trustdial.cli.chain.ChainCommand.tokens(fee, "--fee");
    Path artifact = launch.existingArtifact();
    byte[] cfg = config(launch.config);
    List<SealedSecret> sealed = launch.sealedSecrets();
    byte[] appInput =
        input
            .map(p -> read(p, dev.trustdial.tee.job.TeeJobInput.MAX_APP_INPUT, "--input"))
            .orElse(new byte[0]);
    try (dev.trustdial.da.DaClient da = account.da();
        Settlement s = account.connect()) {
      TeeJobs.Submitted j =
          TeeJobs.submit(s, da, id, artifact, cfg, sealed, appInput, maxSteps, wei, partBytes);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "artifact archive on DA as "
              + (j.artifactParts() == 1
                  ? "blob "
                  : "a part list of " + j.artifactParts() + " parts, ")
              + j.artifactKey());
      out.println(
          "job envelope on DA as blob " + j.envelopeKey() + " (digest " + j.inputDigest() + ")");
      out.println(
          "job "
              + j.jobId()
              + " queued: it is assigned from the hash of block "
              + s.job(j.jobId()).seedBlock());
      printTx(out, j.tx());
      dev.trustdial.cli.chain.ChainAssignCommand.assignWhenDue(s, j.jobId(), out);
      out.flush();
    }
    return ExitCodes.OK;
  }
}
