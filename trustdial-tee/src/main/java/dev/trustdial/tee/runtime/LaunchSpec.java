package dev.trustdial.tee.runtime;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.sim.SimulatedTee;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What to launch and with what (the operator's side; nothing here is measured except through the
 * artifact and the config bytes).
 *
 * @param artifact a JAR file, or a directory holding a command's files
 * @param config the launch configuration bytes (measured whole as APP_CONFIG)
 * @param expectedDigest the app's onchain programDigest; the launch refuses an artifact that
 *     differs
 * @param kms the KMS to get the app's keys from before the app starts; empty: the app has no keys
 * @param sealedState state sealed by an earlier launch of the app (restart, upgrade, successor)
 * @param workDir an empty or absent directory the launch owns
 * @param jobInput the input of the job this launch runs (an operator's TEE job): written to {@code
 *     workDir/in/job-input}, named by {@code TRUSTDIAL_JOB_INPUT}; not measured (the job's input
 *     digest is onchain)
 */
public record LaunchSpec(
    BigInteger appId,
    Path artifact,
    Bytes config,
    Optional<Bytes> expectedDigest,
    SimulatedTee tee,
    boolean debug,
    Optional<URI> kms,
    List<SealedSecret> secrets,
    Optional<Bytes> sealedState,
    Path workDir,
    Optional<Bytes> jobInput) {
  public static final int MAX_JOB_INPUT = 1 << 20;

  /** A launch outside a job (no job input). */
  public LaunchSpec(
      BigInteger appId,
      Path artifact,
      byte[] config,
      Optional<byte[]> expectedDigest,
      SimulatedTee tee,
      boolean debug,
      Optional<URI> kms,
      List<SealedSecret> secrets,
      Optional<byte[]> sealedState,
      Path workDir) {
    this(
        appId,
        artifact,
        config,
        expectedDigest,
        tee,
        debug,
        kms,
        secrets,
        sealedState,
        workDir,
        Optional.empty());
  }

  /** Copies of the byte strings. */
  public LaunchSpec(
      BigInteger appId,
      Path artifact,
      byte[] config,
      Optional<byte[]> expectedDigest,
      SimulatedTee tee,
      boolean debug,
      Optional<URI> kms,
      List<SealedSecret> secrets,
      Optional<byte[]> sealedState,
      Path workDir,
      Optional<byte[]> jobInput) {
    this(
        appId,
        artifact,
        Bytes.of(config),
        expectedDigest.map(Bytes::of),
        tee,
        debug,
        kms,
        secrets,
        sealedState.map(Bytes::of),
        workDir,
        jobInput.map(Bytes::of));
  }

  public LaunchSpec {
    KmsRoot.appIdBytes(appId);
    secrets = List.copyOf(secrets);
    if (jobInput.isPresent() && jobInput.get().length() > MAX_JOB_INPUT) {
      throw new IllegalArgumentException(
          "job input is " + jobInput.get().length() + " bytes (max " + MAX_JOB_INPUT + ")");
    }
    if (sealedState.isPresent() && kms.isEmpty()) {
      throw new IllegalArgumentException("restoring sealed state needs the app's keys, so a KMS");
    }
    if (!secrets.isEmpty() && kms.isEmpty()) {
      throw new IllegalArgumentException("secrets are released by the KMS; give a KMS");
    }
  }
}
