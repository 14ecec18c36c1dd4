package dev.trustdial.node.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.node.config.TeeSettings;
import dev.trustdial.tee.job.TeeJobInput;
import dev.trustdial.tee.runtime.ArtifactArchive;
import dev.trustdial.tee.runtime.LaunchSpec;
import dev.trustdial.tee.runtime.RunningApp;
import dev.trustdial.tee.runtime.TeeRuntime;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a TEE job (docs/spec/job-input.md, "TEE jobs") on the operator's TEE install: unpacks the
 * artifact from DA, launches it with {@link TeeRuntime} (keys from the KMS against the app's
 * onchain policy, the job's sealed state restored after a takeover), hands every new sealed state
 * to the operator to checkpoint, and turns the app's signed answer into the job's result.
 *
 * <p>A TEE result is not re-executable: its checks are the attestation evidence and the app-wallet
 * signature inside the answer bundle ({@code trustdial tee verify-answer}). What the chain enforces
 * is liveness: missed heartbeats get the operator slashed and the job reassigned.
 */
public final class TeeJob {
  private static final Logger LOG = LoggerFactory.getLogger(TeeJob.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final Duration POLL = Duration.ofMillis(100);

  /** The output becomes one DA blob; the same limit as a VM job's output. */
  public static final int MAX_OUTPUT_BYTES = JobEnvelope.MAX_INPUT_BYTES;

  /** Receives each new sealed state with its step (one more than the last heartbeat's). */
  public interface SealedStateSink {
    void sealed(long step, byte[] sealedState);
  }

  /**
   * @param appSignature the app wallet's EIP-191 signature over the job's result digest (for
   *     JobManager.submitTeeResult), made by the runtime after the app exited; empty when the
   *     launch got no keys
   */
  public record Outcome(
      ResultCommitment commitment,
      byte[] output,
      boolean answered,
      String summary,
      Optional<dev.trustdial.core.crypto.Signature> appSignature) {}

  /**
   * One launch of a TEE app for a job: its process, the app wallet the KMS released (empty without
   * keys), the measured artifact digest, and the step of the sealed state it resumed (empty for a
   * fresh start).
   */
  public record Launch(
      String jobId,
      long attempt,
      String appId,
      long pid,
      Optional<dev.trustdial.core.crypto.Address> wallet,
      Bytes32 artifactDigest,
      java.util.OptionalLong restoredStep) {
    /** The launch as the node's /health JSON shows it. */
    public java.util.Map<String, Object> toHealth() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("job", jobId);
      m.put("attempt", attempt);
      m.put("app", appId);
      m.put("pid", pid);
      m.put("wallet", wallet.map(Object::toString).orElse("none"));
      m.put("artifactDigest", artifactDigest.toString());
      restoredStep.ifPresent(s -> m.put("restoredStep", s));
      m.put("simulated", true);
      return java.util.Collections.unmodifiableMap(m);
    }
  }

  private final SimulatedTee tee;
  private final TeeSettings settings;
  private final Path workRoot;
  private volatile Optional<Launch> lastLaunch = Optional.empty();

  public TeeJob(TeeSettings settings, Path workRoot) {
    this.settings = settings;
    this.workRoot = workRoot;
    try {
      this.tee = SimulatedTee.load(settings.install());
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "cannot load the TEE install "
              + settings.install()
              + " ('trustdial attest sim-init --dir DIR'): "
              + e.getMessage());
    }
  }

  /** The latest launch of any job's app in this node (shown by its /health). */
  public Optional<Launch> lastLaunch() {
    return lastLaunch;
  }

  /**
   * Launches the app for {@code attempt} of the job and waits for it.
   *
   * @param restored the sealed state named by the job's last heartbeat (a takeover or restart),
   *     with its step
   * @param resultDigest what the app wallet signs for an output hash (JobManager.teeResultDigest
   *     for this job)
   */
  public Outcome run(
      BigInteger jobId,
      long attempt,
      AppInfo app,
      JobEnvelope envelope,
      byte[] archive,
      Optional<byte[]> restored,
      long lastStep,
      SealedStateSink sink,
      java.util.function.UnaryOperator<Bytes32> resultDigest) {
    if (envelope.checkpointStride() != 1) {
      throw new InvalidInputException(
          "job "
              + jobId
              + ": a TEE job's checkpoint stride must be 1, got "
              + envelope.checkpointStride());
    }
    TeeJobInput input = TeeJobInput.decode(envelope.input());
    Path dir =
        workRoot
            .resolve("job-" + jobId)
            .resolve("attempt-" + attempt + "-" + System.currentTimeMillis());
    try {
      return launch(
          jobId,
          attempt,
          app,
          input,
          ArtifactArchive.unpack(archive, dir.resolve("artifact")),
          dir,
          restored,
          lastStep,
          sink,
          resultDigest);
    } finally {
      // The launch record, logs and outputs stay; the artifact and its copy go (a job retried for
      // an hour must not fill the disk).
      deleteTree(dir.resolve("artifact"));
      deleteTree(dir.resolve("launch").resolve("app"));
    }
  }

  private Outcome launch(
      BigInteger jobId,
      long attempt,
      AppInfo app,
      TeeJobInput input,
      Path artifact,
      Path dir,
      Optional<byte[]> restored,
      long lastStep,
      SealedStateSink sink,
      java.util.function.UnaryOperator<Bytes32> resultDigest) {
    LaunchSpec spec;
    try {
      spec =
          new LaunchSpec(
              app.appId(),
              artifact,
              input.config().toArray(),
              Optional.of(app.programDigest().bytes()),
              tee,
              false,
              Optional.of(settings.kms()),
              input.secrets(),
              restored,
              dir.resolve("launch"),
              Optional.of(input.appInput().toArray()));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("job " + jobId + ": " + e.getMessage());
    }
    long step = lastStep;
    byte[] last = restored.orElse(null);
    RunningApp.Exit exit;
    byte[] transcriptHead;
    // A refusal (KMS, digest, sealed state) is thrown as LaunchRefusedException: the operator ends
    // the
    // job when the refusal is the job's own (isJobLevel), else retries while the job is ours.
    try (RunningApp running = TeeRuntime.launch(spec, Clock.systemUTC(), new SecureRandom())) {
      LOG.info(
          "job {} attempt {}: TEE app {} launched (pid {}, simulated: true), wallet {}{}",
          jobId,
          attempt,
          app.appId(),
          running.pid(),
          running.wallet().map(Object::toString).orElse("none"),
          restored.isPresent() ? ", sealed state of step " + lastStep + " restored" : "");
      lastLaunch =
          Optional.of(
              new Launch(
                  jobId.toString(),
                  attempt,
                  app.appId().toString(),
                  running.pid(),
                  running.wallet(),
                  new Bytes32(running.measurement().artifactDigest().toArray()),
                  restored.isPresent()
                      ? java.util.OptionalLong.of(lastStep)
                      : java.util.OptionalLong.empty()));
      boolean done = false;
      while (!done) {
        done = running.waitFor(POLL) || running.pastTimeout();
        Optional<byte[]> now = running.latestSealedState();
        if (now.isPresent() && (last == null || !Arrays.equals(now.get(), last))) {
          last = now.get();
          step++;
          sink.sealed(step, last);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("job " + jobId + ": interrupted while the TEE app ran");
        }
      }
      exit = running.await();
      transcriptHead = running.transcript().snapshot().hash().bytes();
      Optional<byte[]> answer = answer(exit);
      byte[] output = answer.orElseGet(() -> failureRecord(exit));
      Bytes32 finalState = last == null ? Bytes32.ZERO : Hashes.keccak256(last);
      ResultCommitment c =
          new ResultCommitment(
              Hashes.keccak256(output), finalState, step, new Bytes32(transcriptHead));
      String summary =
          answer.isPresent()
              ? "answered (" + output.length + " bytes)"
              : exit.timedOut()
                  ? "app killed at its timeout"
                  : "app exited " + exit.exitCode() + " without an answer";
      // The runtime signs what the job returns with the app's wallet: JobManager takes nothing else
      // when the app names a signer.
      return new Outcome(
          c,
          output,
          answer.isPresent(),
          summary,
          running.signWithAppWallet(resultDigest.apply(c.outputHash())));
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", root, e.getMessage());
    }
  }

  /** The signed answer bundle the app wrote, when it exited 0 with one of a sane size. */
  static Optional<byte[]> answer(RunningApp.Exit exit) {
    Path file = exit.outDir().resolve("answer.json");
    try {
      if (exit.exitCode() != 0
          || exit.timedOut()
          || !Files.isRegularFile(file)
          || Files.size(file) > MAX_OUTPUT_BYTES) {
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Launch refusals that come from the job or its app, not from this operator (its install, its KMS
   * link, its clock): any operator would get the same, so the job ends with a record of it instead
   * of being retried until its operator is slashed and the next one fails the same way.
   */
  static final java.util.Set<String> JOB_LEVEL_REFUSALS =
      java.util.Set.of(
          "DigestMismatch",
          "KmsKeyNotPinned",
          "SealedStateRefused",
          "MeasurementNotAllowed",
          "NotTeeApp",
          "UnknownApp",
          "PolicyUnreadable",
          "SecretNotForThisApp",
          "SimulatedNotAllowedByPolicy");

  public static boolean isJobLevel(TeeRuntime.LaunchRefusedException e) {
    // A refusal anyone on the path could forge must not end or hand back a job: only the pinned
    // KMS's (or our own).
    return e.authenticated() && JOB_LEVEL_REFUSALS.contains(e.reason());
  }

  /** The result of a job whose launch any operator would be refused (see {@link #isJobLevel}). */
  public static Outcome refused(TeeRuntime.LaunchRefusedException e, long lastStep) {
    ObjectNode n = JSON.createObjectNode();
    n.put("appFailed", true);
    n.put("launchRefused", e.reason());
    n.put(
        "message",
        e.getMessage().length() > 1024 ? e.getMessage().substring(0, 1024) : e.getMessage());
    n.put("simulated", true);
    byte[] output = n.toString().getBytes(StandardCharsets.UTF_8);
    return new Outcome(
        new ResultCommitment(Hashes.keccak256(output), Bytes32.ZERO, lastStep, Bytes32.ZERO),
        output,
        false,
        "launch refused for the job itself (" + e.reason() + ")",
        Optional.empty());
  }

  /**
   * What a failed run returns as its output, so a failing app ends its job instead of bouncing
   * between operators.
   */
  static byte[] failureRecord(RunningApp.Exit exit) {
    ObjectNode n = JSON.createObjectNode();
    n.put("appFailed", true);
    n.put("exitCode", exit.exitCode());
    n.put("simulated", true);
    n.put("timedOut", exit.timedOut());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}
