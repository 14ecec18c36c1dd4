package dev.trustdial.cli.zk;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.chain.ChainCommand;
import dev.trustdial.cli.chain.DevnetConnection;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.zk.Ceremony;
import dev.trustdial.zk.ProveResult;
import dev.trustdial.zk.Snarkjs;
import dev.trustdial.zk.UnprovableInputException;
import dev.trustdial.zk.ZkBuilder;
import dev.trustdial.zk.ZkManifest;
import dev.trustdial.zk.ZkProver;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial zk}: build a circuit into an artifact and verifier, prove locally, create ZK
 * apps, submit ZK jobs.
 */
@Command(
    name = "zk",
    mixinStandardHelpOptions = true,
    description = {
      "ZK mode (docs/spec/zk.md): the developer's circom circuit, proven by the operator with Groth16 (snarkjs),",
      "verified onchain by the app's verifier; a job is final in the transaction that posts its proof."
    },
    subcommands = {
      ZkCommand.Build.class,
      ZkCommand.Contribute.class,
      ZkCommand.Prove.class,
      ZkCommand.CreateApp.class,
      ZkCommand.SubmitJob.class
    })
public final class ZkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static ZkProver prover() throws IOException {
    return new ZkProver(Snarkjs.locate(), Files.createTempDirectory("trustdial-zk"));
  }

  static String words(List<BigInteger> words) {
    return words.stream().map(BigInteger::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  static void printManifest(PrintWriter out, ZkManifest m) {
    out.printf(
        "circuit %s: %,d constraints, %d input words, %d output words, Groth16 on bn128%n",
        m.circuit(), m.constraints(), m.inputWords(), m.outputWords());
    out.printf(
        "  phase 1: power %d, sha256 %s%s%n",
        m.ceremony().power(),
        m.ceremony().sha256(),
        m.ceremony().dev()
            ? " (DEV CEREMONY: generated on one machine, whoever ran it can forge proofs; not for real value)"
            : "");
    for (ZkManifest.Contribution c : m.contributions()) {
      out.println("  phase 2 contribution by " + c.name() + ": " + c.hash());
    }
  }

  static final class Ptau {
    @Option(
        names = "--dev-ptau",
        description =
            "Use the dev ceremony (power 12, generated once on this machine and cached; INSECURE: dev only).")
    boolean dev;

    @Option(
        names = "--ptau",
        paramLabel = "FILE",
        description = "A public phase-1 ceremony file (.ptau) whose SHA-256 is pinned.")
    Path file;
  }

  @Command(
      name = "build",
      description = {
        "Compile a circom circuit and set it up for Groth16: writes OUT/circuit.tdzk (the artifact an app",
        "pins), OUT/verifier.bin and OUT/Verifier.sol (its verifier contract) and OUT/manifest.json."
      })
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "CIRCUIT",
        description =
            "The circuit (.circom; its main declares {public [in]} and an output array out).")
    Path circuit;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Output directory (created if missing).")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Ptau ptau;

    @Option(
        names = "--contributor",
        defaultValue = "developer",
        paramLabel = "NAME",
        description =
            "Name recorded for the phase-2 contribution this build makes (default: ${DEFAULT-VALUE}).")
    String contributor;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(circuit)) {
        throw new InvalidInputException("circuit " + circuit + " does not exist or is not a file");
      }
      if (contributor.isBlank() || contributor.length() > 64) {
        throw new InvalidInputException("--contributor must be 1..64 characters");
      }
      PrintWriter o = spec.commandLine().getOut();
      Snarkjs tool = Snarkjs.locate();
      Ceremony.PhaseOne phaseOne = ptau.dev ? Ceremony.dev(tool) : Ceremony.publicFile(ptau.file);
      ZkBuilder.BuildResult r = new ZkBuilder(tool).build(circuit, out, phaseOne, contributor);
      printManifest(o, r.artifact().manifest());
      o.printf(
          "artifact %s (%,d bytes), digest %s (the app's programDigest)%n",
          r.artifactFile(), r.artifact().encode().length, r.artifact().digest());
      o.println(
          "verifier "
              + r.verifierSource()
              + " (creation code in "
              + out.resolve("verifier.bin")
              + ")");
      o.printf("built in %.1f s%n", r.elapsed().toMillis() / 1000.0);
      o.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "contribute",
      description = {
        "Add a phase-2 contribution to a build's proving key (Groth16's per-circuit trust point: the",
        "setup is sound if any one contributor destroyed its entropy). Writes a new build directory: the artifact (a new digest),",
        "its verifier and the manifest listing every contributor by name and contribution hash. An app pins the result anew."
      })
  static final class Contribute implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--artifact",
        required = true,
        paramLabel = "DIR",
        description = "A build directory ('trustdial zk build' or an earlier contribute).")
    Path artifact;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Who contributes (recorded in the manifest), e.g. an operator's name.")
    String name;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where the contributed build goes (not the input directory).")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (out.toAbsolutePath().normalize().equals(artifact.toAbsolutePath().normalize())) {
        throw new InvalidInputException(
            "--out must differ from --artifact: the previous build stays as it was");
      }
      ZkApps.BuildDir build = ZkApps.BuildDir.read(artifact);
      Snarkjs tool = Snarkjs.locate();
      dev.trustdial.zk.ZkArtifact next =
          dev.trustdial.zk.ZkPhase2.contribute(tool, build.artifact(), name);
      ZkBuilder.write(next, new ZkBuilder(tool).verifier(next), out);
      PrintWriter o = spec.commandLine().getOut();
      printManifest(o, next.manifest());
      o.printf(
          "artifact %s, digest %s (was %s): create or upgrade the app with it and its new verifier%n",
          out.resolve(ZkBuilder.ARTIFACT_FILE), next.digest(), build.digest());
      o.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "prove",
      description =
          "Prove an input locally with a built artifact and print the output words and the proof (nothing onchain).")
  static final class Prove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--artifact",
        required = true,
        paramLabel = "DIR",
        description = "The output directory of 'trustdial zk build'.")
    Path artifact;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "FILE",
        description = "JSON {\"in\": [words]}.")
    Path input;

    @Override
    public Integer call() throws IOException {
      ZkApps.BuildDir build = ZkApps.BuildDir.read(artifact);
      List<BigInteger> in = ZkApps.readInput(input);
      int n = build.artifact().manifest().inputWords();
      if (in.size() != n) {
        throw new InvalidInputException(
            "circuit "
                + build.artifact().manifest().circuit()
                + " takes "
                + n
                + " input words, got "
                + in.size());
      }
      ProveResult r;
      try {
        r = prover().prove(build.artifact(), in);
      } catch (UnprovableInputException e) {
        throw new InvalidInputException("the circuit refuses this input: " + e.getMessage());
      }
      PrintWriter o = spec.commandLine().getOut();
      o.println("output " + words(r.output()));
      o.println("proof " + words(r.proof().words()));
      o.printf(
          "witness %.2f s, proof %.2f s%n",
          r.witnessTime().toMillis() / 1000.0, r.proveTime().toMillis() / 1000.0);
      o.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create-app",
      description = {
        "Create a ZK app from a build: proves the sample input and checks it against the artifact's",
        "verification key, deploys the verifier and checks it accepts the same proof, then createApp(ZK) and setAppConfig(verifier).",
        "A malformed artifact, or a verifier of another circuit or setup, is refused before the app exists."
      })
  static final class CreateApp implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DevnetConnection devnet;

    @Option(
        names = "--artifact",
        required = true,
        paramLabel = "DIR",
        description = "The output directory of 'trustdial zk build'.")
    Path artifact;

    @Option(
        names = "--sample-input",
        required = true,
        paramLabel = "FILE",
        description = "An input the circuit accepts (JSON {\"in\": [words]}).")
    Path sampleInput;

    @Override
    public Integer call() throws IOException {
      ZkApps.BuildDir build = ZkApps.BuildDir.read(artifact);
      List<BigInteger> sample = ZkApps.readInput(sampleInput);
      PrintWriter o = spec.commandLine().getOut();
      try (Settlement s = devnet.connect()) {
        ZkApps.Created c = ZkApps.create(s, build, sample, prover());
        o.println("app " + c.appId() + " (ZK)");
        printManifest(o, build.artifact().manifest());
        o.println("  programDigest " + c.programDigest());
        o.printf("  verifier %s: accepts the sample proof%n", c.verifier());
        for (TxOutcome t : c.txs()) {
          ChainCommand.printTx(o, t);
        }
      }
      o.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "submit-job",
      description = {
        "Submit a job to a ZK app: the artifact and the envelope go to the devnet's DA, then submitJob.",
        "The assigned operator proves it; the job is final in the transaction that posts the proof."
      })
  static final class SubmitJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DevnetConnection devnet;

    @Option(names = "--app", required = true, paramLabel = "APP_ID")
    String app;

    @Option(
        names = "--artifact",
        required = true,
        paramLabel = "DIR",
        description = "The output directory of 'trustdial zk build' (the app's artifact).")
    Path artifact;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "FILE",
        description = "JSON {\"in\": [words]}.")
    Path input;

    @Option(
        names = "--fee",
        defaultValue = "1",
        description = "Fee in TDS (default: ${DEFAULT-VALUE}).")
    String fee;

    @Option(
        names = "--wait",
        defaultValue = "0",
        paramLabel = "SECONDS",
        description =
            "Wait up to this long for the job to end and print its output (default: ${DEFAULT-VALUE}, do not wait).")
    int waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      BigInteger appId = ChainCommand.id(app, "--app");
      BigInteger wei = ChainCommand.tokens(fee, "--fee");
      if (waitSeconds < 0 || waitSeconds > 3600) {
        throw new InvalidInputException(
            "--wait must be within 0..3600 seconds, got " + waitSeconds);
      }
      ZkApps.BuildDir build = ZkApps.BuildDir.read(artifact);
      List<BigInteger> in = ZkApps.readInput(input);
      PrintWriter o = spec.commandLine().getOut();
      try (dev.trustdial.da.DaClient da = devnet.da();
          Settlement s = devnet.connect()) {
        ZkApps.Submitted j =
            ZkApps.submit(
                s, da, appId, build, in, wei, dev.trustdial.node.job.ProgramBlobs.MAX_BLOB_BYTES);
        o.println(
            "artifact on DA as "
                + (j.artifactParts() == 1
                    ? "blob "
                    : "a part list of " + j.artifactParts() + " parts, ")
                + j.artifactKey());
        o.println(
            "job envelope on DA as blob " + j.envelopeKey() + " (digest " + j.inputDigest() + ")");
        o.println(
            "job "
                + j.jobId()
                + " queued: it is assigned from the hash of block "
                + s.job(j.jobId()).seedBlock());
        ChainCommand.printTx(o, j.tx());
        if (waitSeconds > 0) {
          Optional<JobInfo> done = awaitEnd(s, j.jobId(), waitSeconds);
          if (done.isEmpty()) {
            o.println("job " + j.jobId() + " has not ended within " + waitSeconds + " s");
            o.flush();
            return ExitCodes.FAILURE;
          }
          JobInfo job = done.get();
          o.println(
              "job "
                  + j.jobId()
                  + " "
                  + job.status()
                  + (job.status() == JobStatus.FINALIZED
                      ? " by the proof of "
                          + job.resultOperator()
                          + ", output hash "
                          + job.result().orElseThrow().outputHash()
                          + " (output on DA as "
                          + job.outputBlobKey()
                          + ")"
                      : ""));
          if (job.status() == JobStatus.FINALIZED) {
            o.println(
                "output " + words(dev.trustdial.zk.ZkWords.decode(da.get(job.outputBlobKey()))));
          }
        }
      }
      o.flush();
      return ExitCodes.OK;
    }

    static Optional<JobInfo> awaitEnd(Settlement s, BigInteger jobId, int seconds)
        throws InterruptedException {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        JobInfo j = s.job(jobId);
        if (j.status() == JobStatus.FINALIZED || j.status() == JobStatus.FAILED) {
          return Optional.of(j);
        }
        Thread.sleep(500);
      }
      return Optional.empty();
    }
  }
}
