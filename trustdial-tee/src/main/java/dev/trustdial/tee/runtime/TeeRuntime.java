package dev.trustdial.tee.runtime;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.crypto.X25519;
import dev.trustdial.tee.kms.KeyRequest;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.seal.SealedState;
import dev.trustdial.tee.transcript.Transcript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dev TEE app runtime on the simulated backend (docs/spec/tee-runtime.md): copies the artifact
 * into the launch's directory, measures it and the configuration, gets the app's keys from the KMS
 * with evidence bound to an ephemeral key, restores sealed state, starts the attestation agent and
 * then the app as a child process with a cleared environment.
 *
 * <p>For the operator node: {@code launch} returns a {@link RunningApp}; the node checkpoints
 * {@link RunningApp#latestSealedState()} to DA and, after a takeover, launches the same app with
 * that blob as {@link LaunchSpec#sealedState()}.
 */
public final class TeeRuntime {
  /**
   * The launch was refused before the app started (KMS refusal, a release not from the pinned KMS,
   * digest mismatch, state that does not open).
   */
  public static final class LaunchRefusedException extends RuntimeException {
    private final String reason;
    private final boolean authenticated;

    /** A refusal the runtime decided itself (digest, pin, sealed state): a fact, not a claim. */
    public LaunchRefusedException(String reason, String message) {
      this(reason, message, true);
    }

    /**
     * @param authenticated false for a KMS refusal whose reason the pinned KMS did not authenticate
     */
    public LaunchRefusedException(String reason, String message, boolean authenticated) {
      super(reason + ": " + message);
      this.reason = reason;
      this.authenticated = authenticated;
    }

    public String reason() {
      return reason;
    }

    /**
     * Whether the reason can be trusted: decided here, or a KMS refusal with the pinned KMS's tag.
     */
    public boolean authenticated() {
      return authenticated;
    }
  }

  private TeeRuntime() {}

  public static RunningApp launch(LaunchSpec spec, Clock clock, SecureRandom random) {
    LaunchConfig config = LaunchConfig.parse(spec.config().toArray());
    if (spec.kms().isPresent() && config.kmsPublicKey().isEmpty()) {
      throw new LaunchRefusedException(
          "KmsKeyNotPinned",
          "a launch with a KMS needs 'kmsPublicKey' in the launch configuration"
              + " (the key of the one KMS the app trusts, 'trustdial kms public-key'); it is measured with the configuration");
    }
    Path work = spec.workDir();
    Path appDir = work.resolve("app");
    Path outDir = work.resolve("out");
    Path runtimeDir = work.resolve("runtime");
    try {
      if (Files.exists(work) && Files.list(work).findAny().isPresent()) {
        throw new InvalidInputException("the launch directory " + work + " is not empty");
      }
      Files.createDirectories(appDir);
      Files.createDirectories(outDir);
      Files.createDirectories(runtimeDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + work, e);
    }
    // Measure the copy the app will run, not the operator's original (which could change after).
    Path artifactCopy = copyArtifact(spec.artifact(), appDir);
    byte[] digest = ArtifactDigest.of(artifactCopy);
    if (spec.expectedDigest().isPresent()
        && !MessageDigest.isEqual(spec.expectedDigest().get().toArray(), digest)) {
      throw new LaunchRefusedException(
          "DigestMismatch",
          "artifact digest "
              + Hex.encode(digest)
              + " is not the app's programDigest "
              + spec.expectedDigest().get().toHex());
    }
    AppMeasurement m = new AppMeasurement(spec.appId(), Bytes.of(digest), spec.config());

    Optional<KeySet> keys = Optional.empty();
    if (spec.kms().isPresent()) {
      X25519 eph = X25519.generate(random);
      byte[] evidence =
          spec.tee()
              .attest(
                  m.events(),
                  KeyRequest.reportData(spec.appId(), eph.publicKey()),
                  clock.instant(),
                  spec.debug());
      byte[] envelope;
      try {
        envelope = EvidenceEnvelope.of(evidence, Optional.empty()).encode();
      } catch (VerificationFailedException e) {
        throw new IllegalStateException(
            "the simulated backend produced unclassifiable evidence", e);
      }
      try {
        keys =
            Optional.of(
                new KmsClient(spec.kms().get())
                    .requestKeys(
                        spec.appId(),
                        envelope,
                        eph,
                        spec.secrets(),
                        config.kmsPublicKey().orElseThrow().toArray()));
      } catch (KmsClient.KeysRefusedException e) {
        throw new LaunchRefusedException(
            e.reason(),
            "the KMS did not release app " + spec.appId() + "'s keys: " + e.getMessage(),
            e.authenticated());
      }
    }
    Optional<byte[]> restored = Optional.empty();
    if (spec.sealedState().isPresent()) {
      KeySet k = keys.orElseThrow();
      try {
        restored =
            Optional.of(
                SealedState.open(
                    k.sealKey().toArray(),
                    spec.appId(),
                    k.appVersion(),
                    spec.sealedState().get().toArray()));
      } catch (IllegalArgumentException e) {
        throw new LaunchRefusedException("SealedStateRefused", e.getMessage());
      }
    }

    Transcript transcript = new Transcript();
    RecordingFetcher fetcher =
        new RecordingFetcher(
            transcript, config.extraRoots(), config.maxResponseBytes(), config.maxFetches(), clock);
    AttestationAgent agent =
        new AttestationAgent(
            spec.appId(),
            spec.tee(),
            m.events(),
            spec.debug(),
            transcript,
            fetcher,
            keys,
            restored,
            runtimeDir.resolve("state.sealed"),
            clock,
            random);
    try {
      List<String> argv = command(config, artifactCopy);
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(appDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(runtimeDir.resolve("app-stdout.log").toFile())
              .redirectError(runtimeDir.resolve("app-stderr.log").toFile());
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("HOME", work.toAbsolutePath().toString());
      env.putAll(config.env());
      env.put("TRUSTDIAL_AGENT_URL", agent.url());
      env.put("TRUSTDIAL_AGENT_TOKEN", agent.token());
      env.put("TRUSTDIAL_APP_ID", spec.appId().toString());
      env.put("TRUSTDIAL_APP_OUT", outDir.toAbsolutePath().toString());
      env.put("TRUSTDIAL_SIMULATED", "true");
      if (spec.jobInput().isPresent()) {
        Path in = work.resolve("in");
        Files.createDirectories(in);
        Path file = Files.write(in.resolve("job-input"), spec.jobInput().get().toArray());
        env.put("TRUSTDIAL_JOB_INPUT", file.toAbsolutePath().toString());
      }
      Process p = pb.start();
      return new RunningApp(
          spec.appId(),
          m,
          keys.map(KeySet::appVersion),
          keys.map(k -> k.wallet().address()),
          p,
          agent,
          config.timeoutSeconds(),
          work);
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e instanceof IOException io
          ? new UncheckedIOException("cannot start the app: " + io.getMessage(), io)
          : (RuntimeException) e;
    }
  }

  static List<String> command(LaunchConfig config, Path artifactCopy) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> template =
        config.command().isEmpty() ? List.of("{java}", "-jar", "{artifact}") : config.command();
    if (config.command().isEmpty() && !Files.isRegularFile(artifactCopy)) {
      throw new InvalidInputException(
          "a directory artifact needs a 'command' in its launch configuration");
    }
    List<String> out = new ArrayList<>();
    for (String a : template) {
      out.add(
          a.replace("{java}", java)
              .replace("{artifact}", artifactCopy.toAbsolutePath().toString()));
    }
    return out;
  }

  static Path copyArtifact(Path artifact, Path appDir) {
    if (Files.isRegularFile(artifact, LinkOption.NOFOLLOW_LINKS)) {
      Path to = appDir.resolve(artifact.getFileName().toString());
      try {
        Files.copy(artifact, to);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy the artifact " + artifact, e);
      }
      return to;
    }
    if (!Files.isDirectory(artifact, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(
          "artifact " + artifact + " is neither a file nor a directory");
    }
    for (String rel : ArtifactDigest.files(artifact)) {
      Path to = appDir.resolve(rel);
      try {
        Files.createDirectories(to.getParent());
        Files.copy(artifact.resolve(rel), to);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy the artifact file " + rel, e);
      }
    }
    return appDir;
  }
}
