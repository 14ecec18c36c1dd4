package dev.trustdial.cli.tee;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.runtime.LaunchConfig;
import dev.trustdial.tee.runtime.LaunchSpec;
import dev.trustdial.tee.runtime.RunningApp;
import dev.trustdial.tee.runtime.TeeRuntime;
import dev.trustdial.tee.seal.SealedState;
import dev.trustdial.tee.sim.Rtmrs;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.tee.transcript.Transcript;
import dev.trustdial.tee.transcript.TranscriptEntry;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial tee}: TEE apps on the dev runtime (simulated backend) and their onchain records. */
@Command(
    name = "tee",
    mixinStandardHelpOptions = true,
    description = "Measure, register, run and check TEE apps (dev runtime: simulated backend, INSECURE).",
    subcommands = {TeeCommand.Measure.class, TeeCommand.Policy.class, TeeCommand.CreateApp.class, TeeCommand.UpgradeApp.class,
        TeeCommand.SetSigner.class, TeeCommand.Run.class, TeeCommand.SubmitJob.class, TeeCommand.PriceFeed.class, TeeCommand.VerifyAnswer.class, TeeCommand.ShowTranscript.class})
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
        throw new InvalidInputException(what + " " + p + " is " + Files.size(p) + " bytes (max " + max + ")");
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
      List<X509Certificate> c = Certificates.fromDerOrPem(read(p, 64 * 1024, "simulation root"), "simulation root");
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

  @Command(name = "measure", description = "Print what the dev runtime will measure for a launch (artifact digest, RTMR0, RTMR3).")
  static final class Measure implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AppArtifact app;

    @Override
    public Integer call() {
      AppMeasurement m = measure(app.id(), app.artifact, app.config);
      Rtmrs r = m.registers();
      PrintWriter out = spec.commandLine().getOut();
      out.println("artifactDigest " + Hex.encode(m.artifactDigest()));
      out.println("RTMR0          " + Hex.encode(r.get(0)));
      out.println("RTMR3          " + Hex.encode(r.get(3)));
      out.println("kmsPublicKey   " + LaunchConfig.parse(m.config()).kmsPublicKey().map(Hex::encode)
          .orElse("none (the config pins no KMS: a launch gets no keys)"));
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "policy", description = {"Write an app policy (AppRegistry policy bytes) that admits the given launches on the dev runtime.",
      "One allowed measurement per --artifact (with the --config at the same position, or the only --config)."})
  static final class Policy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--app-id", required = true)
    String appId;

    @Option(names = "--artifact", required = true, paramLabel = "PATH")
    List<Path> artifacts;

    @Option(names = "--config", required = true, paramLabel = "FILE")
    List<Path> configs;

    @Option(names = "--allow-debug")
    boolean allowDebug;

    @Option(names = "--worst-tcb", defaultValue = "UpToDate", description = "Most severe TCB status accepted (default: ${DEFAULT-VALUE}).")
    String worstTcb;

    @Option(names = "--refuse-not-evaluated", description = "Refuse evidence without a TCB evaluation (simulated evidence then never passes).")
    boolean refuseNotEvaluated;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path outFile;

    @Override
    public Integer call() throws IOException {
      BigInteger id = KmsCommand.appId(appId);
      if (configs.size() != 1 && configs.size() != artifacts.size()) {
        throw new InvalidInputException("give one --config, or one per --artifact");
      }
      TcbStatus worst = TcbStatus.fromWireName(worstTcb)
          .orElseThrow(() -> new InvalidInputException("--worst-tcb '" + worstTcb + "' is not a TCB status (UpToDate, SWHardeningNeeded, ..., OutOfDateConfigurationNeeded)"));
      List<AppPolicy.AllowedMeasurement> allowed = new ArrayList<>();
      for (int i = 0; i < artifacts.size(); i++) {
        allowed.add(measure(id, artifacts.get(i), configs.get(configs.size() == 1 ? 0 : i)).simulatedPolicyEntry());
      }
      AppPolicy p;
      try {
        p = new AppPolicy(allowDebug, true, !refuseNotEvaluated, worst, allowed);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
      byte[] bytes = p.encode();
      Files.write(outFile, bytes);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + bytes.length + " policy bytes to " + outFile + ": " + p);
      out.println(Hex.encode(bytes));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** Which devnet and which of its accounts signs and pays (the app's owner for app transactions). */
  static final class DevnetAccount {
    @Option(names = "--devnet", defaultValue = ".devnet", paramLabel = "DIR", description = "Devnet directory (default: ${DEFAULT-VALUE}).")
    Path devnet;

    @Option(names = "--as", defaultValue = "developer", paramLabel = "ACCOUNT", description = "Devnet account that signs and pays (default: ${DEFAULT-VALUE}).")
    String as;

    Secp256k1Key key() {
      return Secp256k1Key.fromPrivateKeyHex(DevnetDescriptor.read(devnet).account(as).privateKey());
    }

    Settlement connect() {
      DevnetDescriptor d = DevnetDescriptor.read(devnet);
      return Settlement.connect(d.rpcUrl(), d.deployment(), key());
    }

    /** The devnet's DA (nodes registered onchain, certificates in BlobRegistry), paid by this account. */
    dev.trustdial.da.DaClient da() {
      return dev.trustdial.da.DaClient.onChain(dev.trustdial.da.chain.ChainConfig.read(devnet.resolve(DevnetDescriptor.FILE)), key(),
          dev.trustdial.cli.devnet.Devnet.DA_THRESHOLD_BPS, java.time.Duration.ofDays(7));
    }
  }

  abstract static class AppTx implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DevnetAccount account;

    @Option(names = "--artifact", required = true, paramLabel = "PATH")
    Path artifact;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "Policy bytes written by 'trustdial tee policy'.")
    Path policy;
  }

  @Command(name = "create-app", description = "Create a TEE app in AppRegistry: programDigest = the artifact digest, policy = the policy bytes.")
  static final class CreateApp extends AppTx {
    @Override
    public Integer call() {
      byte[] p = readPolicy(policy).encode();
      Bytes32 digest = new Bytes32(ArtifactDigest.of(artifact));
      try (Settlement s = account.connect()) {
        Settlement.Created c = s.createApp(TrustMode.TEE, digest, p);
        PrintWriter out = spec.commandLine().getOut();
        out.println("app " + c.id());
        out.println("  programDigest " + digest);
        printTx(out, c.tx());
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "upgrade-app", description = "Upgrade a TEE app: new artifact digest and policy; the id (and so the app's keys) stay.")
  static final class UpgradeApp extends AppTx {
    @Parameters(paramLabel = "APP_ID")
    String appId;

    @Override
    public Integer call() {
      BigInteger id = KmsCommand.appId(appId);
      byte[] p = readPolicy(policy).encode();
      Bytes32 digest = new Bytes32(ArtifactDigest.of(artifact));
      try (Settlement s = account.connect()) {
        TxOutcome tx = s.upgradeApp(id, digest, p);
        PrintWriter out = spec.commandLine().getOut();
        out.println("app " + id + " version " + s.app(id).version());
        out.println("  programDigest " + digest);
        printTx(out, tx);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  /** The app and what is measured of it, shared by 'measure' and {@link LaunchOptions}. */
  static class AppArtifact {
    @Option(names = "--app-id", required = true)
    String appId;

    @Option(names = "--artifact", required = true, paramLabel = "PATH", description = "A JAR file or a directory (a command with its files).")
    Path artifact;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The launch configuration (JSON, measured whole).")
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

  /** What launches an app, shared by 'run' (here, now) and 'submit-job' (on an operator, via DA). */
  static final class LaunchOptions extends AppArtifact {
    @Option(names = "--secrets", paramLabel = "FILE", description = "Sealed developer secrets ('trustdial kms seal-secret').")
    Optional<Path> secrets;

    List<SealedSecret> sealedSecrets() {
      return secrets.map(p -> KmsCommand.SecretsFile.read(p, id())).orElse(List.of());
    }
  }

  @Command(name = "set-signer", description = {"Require a TEE app's job results to be signed by its app wallet (JobManager checks it onchain).",
      "The wallet comes from the KMS that serves the app (--kms) or is given (--address); --address 0x000...0 requires none."})
  static final class SetSigner implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "APP_ID")
    String appId;

    @Mixin DevnetAccount account;

    @Option(names = "--kms", paramLabel = "URL", description = "Ask this KMS for the app's wallet.")
    Optional<URI> kms;

    @Option(names = "--address", paramLabel = "ADDRESS", description = "The signer's address.")
    Optional<String> address;

    @Override
    public Integer call() {
      BigInteger id = KmsCommand.appId(appId);
      if (kms.isPresent() == address.isPresent()) {
        throw new InvalidInputException("give exactly one of --kms and --address");
      }
      Address signer = kms.map(u -> TeeJobs.walletFromKms(u, id)).orElseGet(() -> Address.parse(address.get()));
      try (Settlement s = account.connect()) {
        if (s.app(id).mode() != TrustMode.TEE) {
          throw new InvalidInputException("app " + id + " is a " + s.app(id).mode() + " app; only TEE apps have a signer");
        }
        TxOutcome tx = s.setTeeSigner(id, signer);
        PrintWriter out = spec.commandLine().getOut();
        out.println("app " + id + " results must now be signed by " + s.teeSignerOf(id).map(Object::toString).orElse("nobody (none required)"));
        printTx(out, tx);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "submit-job", description = {"Submit a job to a TEE app: an operator launches the artifact in its TEE, checkpoints the app's",
      "sealed state to DA with every heartbeat (a successor restores it), and posts the app's signed answer as the result.",
      "Puts the artifact archive and the job envelope on the devnet's DA (docs/spec/job-input.md, 'TEE jobs')."})
  static final class SubmitJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DevnetAccount account;

    @Mixin LaunchOptions launch;

    @Option(names = "--input", paramLabel = "FILE", description = "Bytes the app reads from $TRUSTDIAL_JOB_INPUT (at most 1 MiB).")
    Optional<Path> input;

    @Option(names = "--max-steps", defaultValue = "1024", description = "Most sealed-state checkpoints the job may post, 1..2^40 (default: ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--fee", defaultValue = "1", description = "Fee in TDS (default: ${DEFAULT-VALUE}).")
    String fee;

    @Option(names = "--part-bytes", defaultValue = "16777216", paramLabel = "N",
        description = "An artifact larger than this goes to DA as parts of N bytes and a part list, 1..16777216 (default: ${DEFAULT-VALUE}).")
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
      byte[] appInput = input.map(p -> read(p, dev.trustdial.node.job.TeeJobInput.MAX_APP_INPUT, "--input")).orElse(new byte[0]);
      dev.trustdial.da.DaClient da = account.da();
      try (Settlement s = account.connect()) {
        TeeJobs.Submitted j = TeeJobs.submit(s, da, id, artifact, cfg, sealed, appInput, maxSteps, wei, partBytes);
        PrintWriter out = spec.commandLine().getOut();
        out.println("artifact archive on DA as " + (j.artifactParts() == 1 ? "blob " : "a part list of " + j.artifactParts() + " parts, ")
            + j.artifactKey());
        out.println("job envelope on DA as blob " + j.envelopeKey() + " (digest " + j.inputDigest() + ")");
        out.println("job " + j.jobId() + " queued: it is assigned from the hash of block " + s.job(j.jobId()).seedBlock());
        printTx(out, j.tx());
        dev.trustdial.cli.chain.ChainCommand.Assign.assignWhenDue(s, j.jobId(), out);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "run", description = {"Launch an app on the dev runtime (simulated backend, INSECURE) and wait for it.",
      "The app gets TRUSTDIAL_AGENT_URL/TOKEN for its attestation agent, TRUSTDIAL_APP_OUT for its output.",
      "Exit 0 when the app exits 0; 1 when the launch is refused (the reason is printed) or the app fails."})
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--install", required = true, paramLabel = "DIR", description = "Simulated TEE install ('trustdial attest sim-init').")
    Path install;

    @Mixin LaunchOptions launch;

    @Option(names = "--work", required = true, paramLabel = "DIR", description = "An empty or new directory for this launch.")
    Path work;

    @Option(names = "--kms", paramLabel = "URL", description = "The KMS to get the app's keys from before it starts.")
    Optional<URI> kms;

    @Option(names = "--restore", paramLabel = "FILE", description = "Sealed state from an earlier launch.")
    Optional<Path> restore;

    @Option(names = "--devnet", paramLabel = "DIR", description = "Refuse to launch unless the artifact digest is the app's onchain programDigest.")
    Optional<Path> devnet;

    @Option(names = "--debug", description = "Declare debug mode in the evidence (policies normally refuse it).")
    boolean debug;

    @Override
    public Integer call() throws IOException {
      BigInteger id = launch.id();
      byte[] cfg = config(launch.config);
      if (kms.isPresent() && LaunchConfig.parse(cfg).kmsPublicKey().isEmpty()) {
        throw new InvalidInputException("--kms needs the KMS's key pinned in the launch configuration: add \"kmsPublicKey\": \"HEX\" "
            + "('trustdial kms public-key') to " + launch.config + " (it is measured, so make the policy from the same config)");
      }
      SimulatedTee tee = SimulatedTee.load(install);
      Path artifact = launch.existingArtifact();
      List<SealedSecret> sealed = launch.sealedSecrets();
      Optional<byte[]> state = restore.map(p -> read(p, SealedState.MAX_STATE + SealedState.OVERHEAD, "sealed state"));
      Optional<byte[]> expected = Optional.empty();
      if (devnet.isPresent()) {
        DevnetDescriptor d = DevnetDescriptor.read(devnet.get());
        try (Settlement s = Settlement.connect(d.rpcUrl(), d.deployment(), Secp256k1Key.generate())) {
          AppInfo a = s.app(id);
          if (a.mode() != TrustMode.TEE) {
            throw new InvalidInputException("app " + id + " is a " + a.mode() + " app, not a TEE app");
          }
          expected = Optional.of(a.programDigest().bytes());
        }
      }
      LaunchSpec ls;
      try {
        ls = new LaunchSpec(id, artifact, cfg, expected, tee, debug, kms, sealed, state, work);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("WARNING: dev runtime on the INSECURE simulated TEE backend (simulated: true)");
      RunningApp.Exit exit;
      try (RunningApp app = TeeRuntime.launch(ls, Clock.systemUTC(), new SecureRandom())) {
        out.println("launched app " + id + " pid " + app.pid() + " artifact " + Hex.encode(app.measurement().artifactDigest()));
        app.wallet().ifPresent(w -> out.println("keys released by the KMS; app wallet " + w));
        out.flush();
        exit = app.await();
      } catch (TeeRuntime.LaunchRefusedException e) {
        out.println("launch refused: " + e.getMessage());
        out.flush();
        return ExitCodes.FAILURE;
      }
      for (String stream : List.of("app-stdout.log", "app-stderr.log")) {
        Path log = exit.runtimeDir().resolve(stream);
        if (Files.size(log) > 0) {
          byte[] b = Files.readAllBytes(log);
          int from = Math.max(0, b.length - 4096);
          out.println("--- " + stream + (from > 0 ? " (last 4 KiB)" : "") + " ---");
          out.print(new String(b, from, b.length - from, java.nio.charset.StandardCharsets.UTF_8));
          out.println("---");
        }
      }
      out.println((exit.timedOut() ? "app killed at its timeout" : "app exited " + exit.exitCode()) + "; output in " + exit.outDir()
          + ", launch record in " + exit.runtimeDir().resolve("runtime.json"));
      out.flush();
      return exit.exitCode() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  @Command(name = "verify-answer", description = {"Check a signed answer bundle: evidence, transcript chain, report data binding, wallet signature, bodies.",
      "Exit 0 valid, 1 invalid (the reason is printed), 2 bad input."})
  static final class VerifyAnswer implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "FILE")
    Path bundle;

    @Option(names = "--at", defaultValue = "now", paramLabel = "ISO-TIME", description = "Verification time (default: now).")
    String at;

    @Option(names = "--simulation-root", paramLabel = "FILE", description = "Accept INSECURE simulated evidence under this root (dev only).")
    Optional<Path> simulationRoot;

    @Option(names = "--policy", paramLabel = "FILE", description = "Also require a measurement this app policy allows.")
    Optional<Path> policy;

    @Option(names = "--wallet", paramLabel = "ADDRESS", description = "Also require this app wallet (e.g. from GET /v1/apps/{id}/wallet).")
    Optional<String> wallet;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      Instant time;
      try {
        time = at.equals("now") ? Instant.now() : Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new InvalidInputException("--at '" + at + "' is not an ISO-8601 time like 2026-01-01T00:00:00Z (or 'now')");
      }
      SignedAnswer a = SignedAnswer.fromJson(read(bundle, SignedAnswer.MAX_BUNDLE, "answer bundle"));
      TrustAnchors anchors = TrustAnchors.pinned();
      AttestationPolicy p = AttestationPolicy.standard();
      if (simulationRoot.isPresent()) {
        anchors = anchors.withSimulationRoots(List.of(readRoot(simulationRoot.get())));
        p = p.allowingSimulated();
      }
      Optional<Address> w = wallet.map(Address::parse);
      SignedAnswer.Check c = a.verify(anchors, p, time, policy.map(TeeCommand::readPolicy), w);
      PrintWriter out = spec.commandLine().getOut();
      boolean simulated = c.verdict().map(v -> v.simulated()).orElse(false);
      if (json) {
        ObjectNode n = JsonExchange.JSON.createObjectNode();
        n.put("valid", c.valid());
        c.failure().ifPresent(f -> n.put("failure", f));
        n.put("simulated", simulated);
        n.put("appId", a.appId().toString());
        n.put("answer", a.answer());
        n.put("wallet", a.wallet().toString());
        c.checks().forEach(n.putArray("checks")::add);
        var es = n.putArray("transcript");
        c.entries().forEach(e -> es.addObject().put("url", e.url()).put("time", e.time().toString()).put("status", e.status())
            .put("bodySha256", Hex.encode(e.bodySha256())).put("certChainSha256", Hex.encode(e.certChainSha256())));
        out.println(n.toPrettyString());
      } else {
        out.println(c.failure().map(f -> "INVALID: " + f).orElse("VALID"));
        if (simulated) {
          out.println("WARNING: simulated evidence (simulated: true): no hardware protected this app");
        }
        out.println("app     " + a.appId());
        out.println("answer  " + a.answer());
        out.println("wallet  " + a.wallet());
        for (TranscriptEntry e : c.entries()) {
          out.println("fetch   " + e.index() + " " + e.time() + " " + e.status() + " " + e.url() + " body " + Hex.encodeBare(e.bodySha256()).substring(0, 16) + "..");
        }
        out.println("checks:");
        c.checks().forEach(x -> out.println("  - " + x));
      }
      out.flush();
      return c.valid() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  @Command(name = "price-feed", description = {"Serve a local HTTPS price feed for trying TEE apps (dev only): GET /price answers a price that moves",
      "with the clock. Its CA is made at start and written to --root-out; apps trust it through their launch config's",
      "fetch.extraRootsPem. Prints 'listening PORT url URL root FILE'; runs until stopped."})
  static final class PriceFeed implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--root-out", required = true, paramLabel = "FILE", description = "Where to write the feed's CA certificate (PEM).")
    Path rootOut;

    @Override
    public Integer call() throws Exception {
      if (Files.exists(rootOut)) {
        throw new InvalidInputException(rootOut + " exists; the feed makes a new CA each start, give a new file");
      }
      dev.trustdial.tee.devfeed.PriceServer feed = dev.trustdial.tee.devfeed.PriceServer.start();
      Files.writeString(rootOut, feed.rootPem());
      Runtime.getRuntime().addShutdownHook(new Thread(feed::close));
      PrintWriter out = spec.commandLine().getOut();
      out.println("listening " + java.net.URI.create(feed.url("/")).getPort() + " url " + feed.url("/price") + " root " + rootOut.toAbsolutePath());
      out.flush();
      Thread.currentThread().join();
      return ExitCodes.OK;
    }
  }

  @Command(name = "transcript", description = "Decode a fetch transcript (TDTRANS1) and print its entries and head hash.")
  static final class ShowTranscript implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      List<TranscriptEntry> entries;
      try {
        entries = Transcript.decode(read(file, 4 * 1024 * 1024, "transcript"));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("transcript " + file + ": " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      for (TranscriptEntry e : entries) {
        out.println(e.index() + " " + e.time() + " " + e.status() + " " + e.url() + " len " + e.bodyLength() + " body " + Hex.encodeBare(e.bodySha256())
            + " tls " + Hex.encodeBare(e.certChainSha256()));
      }
      out.println("entries " + entries.size() + " head " + Hex.encode(Transcript.headOf(entries)));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
