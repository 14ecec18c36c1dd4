package dev.trustdial.cli.attest;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial attest simulate}: measures an app artifact (and config) the way the simulated
 * runtime does and writes signed simulated evidence, e.g. to try {@code attest verify}.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Write INSECURE simulated evidence measuring an app artifact (and config).")
public final class AttestSimulateCommand implements Callable<Integer> {
  static final String RUNTIME_IDENTITY = "trustdial-sim-runtime/0.1.0";
  static final long MAX_ARTIFACT_BYTES = 1L << 30;

  @Spec CommandSpec spec;

  @Option(
      names = "--install",
      required = true,
      paramLabel = "DIR",
      description = "A sim-init install.")
  Path install;

  @Option(
      names = "--artifact",
      required = true,
      paramLabel = "FILE",
      description = "The app artifact; its SHA-256 is measured.")
  Path artifact;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "App configuration (<= 4096 bytes), measured as is.")
  Optional<Path> config;

  @Option(names = "--app-id", paramLabel = "HEX", description = "App id bytes (<= 64), measured.")
  Optional<String> appId;

  @Option(
      names = "--report-data",
      paramLabel = "HEX",
      description = "64 bytes to bind (default: zeros).")
  Optional<String> reportData;

  @Option(
      names = "--at",
      paramLabel = "ISO-TIME",
      defaultValue = "now",
      description = "Signing time (default: now).")
  String at;

  @Option(names = "--debug", description = "Declare the simulated TEE in debug mode.")
  boolean debug;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the evidence.")
  Path out;

  @Override
  public Integer call() {
    SimulatedTee tee;
    try {
      tee = SimulatedTee.load(install);
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read the install in " + install + ": " + e.getMessage());
    }
    List<MeasurementEvent> events = new ArrayList<>();
    events.add(
        MeasurementEvent.of(
            MeasurementEvent.Type.RUNTIME_IDENTITY,
            RUNTIME_IDENTITY.getBytes(StandardCharsets.UTF_8)));
    appId.ifPresent(h ->
        events.add(MeasurementEvent.of(MeasurementEvent.Type.APP_ID, hex(h, "--app-id", 1, 64))));
    events.add(MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, artifactDigest()));
    config.ifPresent(c ->
        events.add(
            MeasurementEvent.of(
                MeasurementEvent.Type.APP_CONFIG,
                AttestVerifyCommand.read(c, MeasurementEvent.MAX_DATA, "config"))));
    byte[] rd = reportData.map(h -> hex(h, "--report-data", 64, 64)).orElse(new byte[64]);
    byte[] evidence = tee.attest(events, rd, AttestVerifyCommand.parseTime(at), debug);
    try {
      Files.write(out, evidence);
    } catch (IOException e) {
      throw new InvalidInputException("cannot write " + out + ": " + e.getMessage());
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println("wrote " + evidence.length + " bytes of INSECURE simulated evidence to " + out);
    w.flush();
    return 0;
  }

  private byte[] artifactDigest() {
    try {
      if (!Files.isRegularFile(artifact)) {
        throw new InvalidInputException(
            "artifact " + artifact + " does not exist or is not a file");
      }
      if (Files.size(artifact) > MAX_ARTIFACT_BYTES) {
        throw new InvalidInputException("artifact " + artifact + " is over 1 GiB");
      }
      return Hashes.sha256(Files.readAllBytes(artifact)).bytes();
    } catch (IOException e) {
      throw new InvalidInputException("cannot read artifact " + artifact + ": " + e.getMessage());
    }
  }

  private static byte[] hex(String h, String option, int min, int max) {
    byte[] b = Hex.decode(h);
    if (b.length < min || b.length > max) {
      throw new InvalidInputException(
          option + " must be " + (min == max ? min : min + ".." + max) + " bytes, got " + b.length);
    }
    return b;
  }
}
