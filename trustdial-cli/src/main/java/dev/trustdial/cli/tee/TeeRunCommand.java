package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.config;
import static dev.trustdial.cli.tee.TeeCommand.read;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.runtime.LaunchConfig;
import dev.trustdial.tee.runtime.LaunchSpec;
import dev.trustdial.tee.runtime.RunningApp;
import dev.trustdial.tee.runtime.TeeRuntime;
import dev.trustdial.tee.seal.SealedState;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description = {
      "Launch an app on the dev runtime (simulated backend, INSECURE) and wait for it.",
      "The app gets TRUSTDIAL_AGENT_URL/TOKEN for its attestation agent, TRUSTDIAL_APP_OUT for its output.",
      "Exit 0 when the app exits 0; 1 when the launch is refused (the reason is printed) or the app fails."
    })
final class TeeRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--install",
      required = true,
      paramLabel = "DIR",
      description = "Simulated TEE install ('trustdial attest sim-init').")
  Path install;

  @Mixin LaunchOptions launch;

  @Option(
      names = "--work",
      required = true,
      paramLabel = "DIR",
      description = "An empty or new directory for this launch.")
  Path work;

  @Option(
      names = "--kms",
      paramLabel = "URL",
      description = "The KMS to get the app's keys from before it starts.")
  Optional<URI> kms;

  @Option(
      names = "--restore",
      paramLabel = "FILE",
      description = "Sealed state from an earlier launch.")
  Optional<Path> restore;

  @Option(
      names = "--devnet",
      paramLabel = "DIR",
      description =
          "Refuse to launch unless the artifact digest is the app's onchain programDigest.")
  Optional<Path> devnet;

  @Option(
      names = "--debug",
      description = "Declare debug mode in the evidence (policies normally refuse it).")
  boolean debug;

  @Override
  public Integer call() throws IOException {
    BigInteger id = launch.id();
    byte[] cfg = config(launch.config);
    if (kms.isPresent() && LaunchConfig.parse(cfg).kmsPublicKey().isEmpty()) {
      throw new InvalidInputException(
          "--kms needs the KMS's key pinned in the launch configuration: add \"kmsPublicKey\": \"HEX\" "
              + "('trustdial kms public-key') to "
              + launch.config
              + " (it is measured, so make the policy from the same config)");
    }
    SimulatedTee tee = SimulatedTee.load(install);
    Path artifact = launch.existingArtifact();
    List<SealedSecret> sealed = launch.sealedSecrets();
    Optional<byte[]> state =
        restore.map(p -> read(p, SealedState.MAX_STATE + SealedState.OVERHEAD, "sealed state"));
    Optional<byte[]> expected = Optional.empty();
    if (devnet.isPresent()) {
      DevnetDescriptor d = DevnetDescriptor.read(devnet.get());
      try (Settlement s = Settlement.connect(d.rpcUrl(), d.deployment(), Secp256k1Key.generate())) {
        AppInfo a = s.app(id);
        if (a.mode() != TrustMode.TEE) {
          throw new InvalidInputException(
              "app " + id + " is a " + a.mode() + " app, not a TEE app");
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
      out.println(
          "launched app "
              + id
              + " pid "
              + app.pid()
              + " artifact "
              + app.measurement().artifactDigest().toHex());
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
    out.println(
        (exit.timedOut() ? "app killed at its timeout" : "app exited " + exit.exitCode())
            + "; output in "
            + exit.outDir()
            + ", launch record in "
            + exit.runtimeDir().resolve("runtime.json"));
    out.flush();
    return exit.exitCode() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
