package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.bytes32;
import static dev.trustdial.cli.chain.ChainCommand.id;
import static dev.trustdial.cli.chain.ChainCommand.printTx;
import static dev.trustdial.cli.chain.ChainCommand.tokens;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.node.job.ProgramBlobs;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "submit-job",
    description = {
      "Submit a job to an app, escrowing the fee.",
      "For a REEXEC_OBJECTIVE app the job's envelope (at most 65,588 bytes: 64 KiB of input) is also posted to the InputOracle "
          + "before submitJob (skipped when it is there already); a raw --input-digest must have been posted before."
    })
final class ChainSubmitJobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Option(names = "--app", required = true)
  String appId;

  @Option(
      names = "--input-digest",
      description =
          "Digest of the job input, 0x + 64 hex digits (a raw job; or use --program-blob).")
  String inputDigest;

  @Option(
      names = "--input-blob-key",
      description = "DA blob key of the input (default: the input digest).")
  String inputBlobKey;

  @Option(
      names = "--program-blob",
      paramLabel = "KEY",
      description =
          "DA blob key of the app's program: build the job envelope (docs/spec/job-input.md) from it, --input and --stride, put it on DA and submit it.")
  String programBlob;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "Guest input bytes for --program-blob (default: empty).")
  java.nio.file.Path input;

  @Option(
      names = "--stride",
      defaultValue = "1048576",
      description =
          "Steps between checkpoints for --program-blob, 1..2^32 (default: ${DEFAULT-VALUE}).")
  long stride;

  @Option(names = "--max-steps", required = true, description = "Step budget, 1..2^40.")
  long maxSteps;

  @Option(
      names = "--fee",
      defaultValue = "1",
      description = "Fee in TDS (default: ${DEFAULT-VALUE}).")
  String fee;

  @Override
  public Integer call() {
    // Everything is checked before anything is written to DA or sent onchain (an approve included).
    if (maxSteps < 1 || maxSteps > (1L << 40)) {
      throw new InvalidInputException("--max-steps must be within 1..2^40, got " + maxSteps);
    }
    if ((inputDigest == null) == (programBlob == null)) {
      throw new InvalidInputException(
          "give exactly one of --input-digest (a raw job) and --program-blob (a job envelope built here)");
    }
    BigInteger app = id(appId, "--app");
    BigInteger wei = tokens(fee, "--fee");
    PrintWriter out = spec.commandLine().getOut();
    Bytes32 digest = null;
    Bytes32 key = null;
    Bytes32 programKey = null;
    byte[] bytes = null;
    if (programBlob != null) {
      if (inputBlobKey != null) {
        throw new InvalidInputException(
            "--input-blob-key goes with --input-digest; with --program-blob the envelope's blob key is used");
      }
      programKey = bytes32(programBlob, "--program-blob");
      if (stride < 1 || stride > dev.trustdial.core.job.JobEnvelope.MAX_STRIDE) {
        throw new InvalidInputException(
            "--stride: checkpoint stride must be 1..2^32, got " + stride);
      }
      bytes =
          input == null
              ? new byte[0]
              : dev.trustdial.cli.InputFiles.read(
                  input, "--input", dev.trustdial.core.job.JobEnvelope.MAX_INPUT_BYTES);
    } else {
      if (input != null) {
        throw new InvalidInputException(
            "--input goes with --program-blob; a raw job's input is on DA already (--input-digest)");
      }
      digest = bytes32(inputDigest, "--input-digest");
      key = inputBlobKey == null ? digest : bytes32(inputBlobKey, "--input-blob-key");
    }
    try (Settlement s = devnet.connect()) {
      dev.trustdial.chain.AppInfo info = checkJob(s, app, maxSteps, wei, programKey != null);
      boolean objective = info.mode() == TrustMode.REEXEC_OBJECTIVE;
      try (dev.trustdial.chain.ObjectiveApps oracle = objective ? devnet.objective() : null) {
        boolean blobs = objective && oracle.config(s.appConfigOf(app).orElseThrow()).blobInputs();
        if (programKey != null) {
          var envelope = new dev.trustdial.core.job.JobEnvelope(programKey, stride, bytes);
          byte[] encoded = envelope.encode();
          if (objective) {
            ObjectiveApp.checkEnvelopeSize(oracle, encoded, blobs);
          }
          dev.trustdial.da.cert.DaCertificate cert;
          try (var da = devnet.da()) {
            checkProgram(da, info, programKey);
            cert = da.put(encoded);
          }
          digest = envelope.digest();
          key = cert.blobKey();
          out.println("job envelope on DA as blob " + key + " (digest " + digest + ")");
          // The court reads the job's input root from the oracle: it must be there before the job
          // exists.
          if (blobs) {
            ObjectiveApp.postBlobs(oracle, encoded, cert, out);
          } else if (objective) {
            ObjectiveApp.post(oracle, encoded, out);
          }
        } else if (blobs) {
          ObjectiveApp.requireBlobsPosted(oracle, key, out);
        } else if (objective) {
          ObjectiveApp.requirePosted(oracle, digest, out);
        }
      }
      Settlement.Created c = s.submitJob(app, key, digest, maxSteps, wei);
      long seedBlock = s.job(c.id()).seedBlock();
      out.println(
          "job "
              + c.id()
              + " queued: it is assigned from the hash of block "
              + seedBlock
              + ", once that block is mined");
      printTx(out, c.tx());
      if (!noAssign) {
        ChainAssignCommand.assignWhenDue(s, c.id(), out);
      }
    }
    return ExitCodes.OK;
  }

  /**
   * What JobManager.submitJob would revert on, and what the submitter cannot pay, checked with
   * calls only: the app exists and takes jobs, the step budget and the fee are within the
   * parameters, and the account holds the fee plus the deposit.
   */
  static dev.trustdial.chain.AppInfo checkJob(
      Settlement s, BigInteger app, long maxSteps, BigInteger fee, boolean envelope) {
    BigInteger count = s.appCount();
    if (app.compareTo(count) > 0) {
      throw new InvalidInputException(
          "--app "
              + app
              + ": there is no such app (UnknownApp); the registry holds "
              + (count.signum() == 0 ? "none yet" : "apps 1.." + count));
    }
    dev.trustdial.chain.AppInfo info = s.app(app);
    switch (info.mode()) {
      case REEXEC_INTERSUBJECTIVE -> {}
      case REEXEC_OBJECTIVE -> ObjectiveApp.checkJob(s, info);
      case TEE -> {
        if (envelope) {
          throw new InvalidInputException(
              "app "
                  + app
                  + " is a TEE app: submit its jobs with 'trustdial tee submit-job' (its input is a "
                  + "TDTEEJB1 record and its program the artifact archive)");
        }
        if (s.teeSignerOf(app).isEmpty()) {
          throw new InvalidInputException(
              "app "
                  + app
                  + " is a TEE app with no signer yet (NoTeeSigner): its owner sets one with "
                  + "'trustdial tee set-signer' first");
        }
      }
      case ZK -> {
        if (s.modeAdapterOf(TrustMode.ZK.code()).isEmpty()) {
          throw new InvalidInputException(
              "app "
                  + app
                  + " is a ZK app but this deployment has no ZK mode adapter (ModeNotRegistered)");
        }
        if (s.appConfigOf(app).isEmpty()) {
          throw new InvalidInputException(
              "app " + app + " is a ZK app with no verifier set (NoAppConfig)");
        }
      }
      case OTHER -> {
        if (envelope) {
          throw new InvalidInputException(
              "app "
                  + app
                  + " has a third-party trust mode: this client builds job envelopes for REEXEC and "
                  + "ZK apps only; give --input-digest");
        }
      }
    }
    dev.trustdial.chain.JobParams p = s.params();
    if (maxSteps > p.maxStepsLimit()) {
      throw new InvalidInputException(
          "--max-steps " + maxSteps + " is above the deployment's limit of " + p.maxStepsLimit());
    }
    if (fee.compareTo(p.minFee()) < 0) {
      throw new InvalidInputException(
          "--fee " + Tokens.format(fee) + " is below the minimum fee " + Tokens.format(p.minFee()));
    }
    BigInteger escrow = fee.add(p.submitterDeposit());
    BigInteger balance = s.balanceOf(s.account());
    if (balance.compareTo(escrow) < 0) {
      throw new InvalidInputException(
          "the fee "
              + Tokens.format(fee)
              + " plus the submitter deposit "
              + Tokens.format(p.submitterDeposit())
              + " is "
              + Tokens.format(escrow)
              + ", but "
              + s.account()
              + " holds "
              + Tokens.format(balance));
    }
    return info;
  }

  /**
   * The program a job envelope names must be on DA and be the app's program (keccak256 of its
   * bytes, or of its parts).
   */
  static void checkProgram(
      dev.trustdial.da.DataAvailability da, dev.trustdial.chain.AppInfo app, Bytes32 programKey) {
    if (!da.isAvailable(programKey)) {
      throw new InvalidInputException(
          "--program-blob "
              + programKey
              + " is not on DA (no live certificate for it); give the key "
              + "'chain create-app --program' printed, or put the program with 'trustdial da put'");
    }
    byte[] program;
    try {
      program = ProgramBlobs.get(da, programKey);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--program-blob " + programKey + ": " + e.getMessage());
    }
    Bytes32 d = dev.trustdial.core.hash.Hashes.keccak256(program);
    if (!d.equals(app.programDigest())) {
      throw new InvalidInputException(
          "--program-blob "
              + programKey
              + " holds a program with digest "
              + d
              + ", not app "
              + app.appId()
              + "'s programDigest "
              + app.programDigest()
              + " (give the key 'chain create-app --program' printed)");
    }
  }

  @Option(
      names = "--no-assign",
      description =
          "Do not wait for the seed block and assign the job here (keepers, i.e. the devnet's nodes, do it).")
  boolean noAssign;
}
