package dev.trustdial.node.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.node.config.TeeSettings;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);
  /** The output becomes one DA blob; the same limit as a VM job's output. */
  public static final int MAX_OUTPUT_BYTES = JobEnvelope.MAX_INPUT_BYTES;

  /** Receives each new sealed state with its step (one more than the last heartbeat's). */
  public interface SealedStateSink {
    void sealed(long step, byte[] sealedState);
  }

  public record Outcome(ResultCommitment commitment, byte[] output, boolean answered, String summary) {}

  private final SimulatedTee tee;
  private final TeeSettings settings;
  private final Path workRoot;

  public TeeJob(TeeSettings settings, Path workRoot) {
    this.settings = settings;
    this.workRoot = workRoot;
    try {
      this.tee = SimulatedTee.load(settings.install());
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException("cannot load the TEE install " + settings.install() + " ('trustdial attest sim-init --dir DIR'): "
          + e.getMessage());
    }
  }

  /**
   * Launches the app for {@code attempt} of the job and waits for it.
   *
   * @param restored the sealed state named by the job's last heartbeat (a takeover or restart), with its step
   */
  public Outcome run(BigInteger jobId, long attempt, AppInfo app, JobEnvelope envelope, byte[] archive,
      Optional<byte[]> restored, long lastStep, SealedStateSink sink) {
    if (envelope.checkpointStride() != 1) {
      throw new InvalidInputException("job " + jobId + ": a TEE job's checkpoint stride must be 1, got " + envelope.checkpointStride());
    }
    TeeJobInput input = TeeJobInput.decode(envelope.input());
    Path dir = workRoot.resolve("job-" + jobId).resolve("attempt-" + attempt + "-" + System.currentTimeMillis());
    Path artifact = ArtifactArchive.unpack(archive, dir.resolve("artifact"));
    LaunchSpec spec;
    try {
      spec = new LaunchSpec(app.appId(), artifact, input.config(), Optional.of(app.programDigest().bytes()), tee, false,
          Optional.of(settings.kms()), input.secrets(), restored, dir.resolve("launch"), Optional.of(input.appInput()));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("job " + jobId + ": " + e.getMessage());
    }
    long step = lastStep;
    byte[] last = restored.orElse(null);
    RunningApp.Exit exit;
    byte[] transcriptHead;
    // A refusal (KMS, digest, sealed state) is thrown as LaunchRefusedException: the operator retries
    // while the job is ours, since a KMS outage or a policy fix can end it.
    try (RunningApp running = TeeRuntime.launch(spec, Clock.systemUTC(), new SecureRandom())) {
      LOG.info("job {} attempt {}: TEE app {} launched (pid {}, simulated: true), wallet {}{}", jobId, attempt, app.appId(),
          running.pid(), running.wallet().map(Object::toString).orElse("none"),
          restored.isPresent() ? ", sealed state of step " + lastStep + " restored" : "");
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
      transcriptHead = running.transcript().snapshot().hash();
    }
    Optional<byte[]> answer = answer(exit);
    byte[] output = answer.orElseGet(() -> failureRecord(exit));
    Bytes32 finalState = last == null ? Bytes32.ZERO : Hashes.keccak256(last);
    ResultCommitment c = new ResultCommitment(Hashes.keccak256(output), finalState, step, new Bytes32(transcriptHead));
    String summary = answer.isPresent() ? "answered (" + output.length + " bytes)"
        : exit.timedOut() ? "app killed at its timeout" : "app exited " + exit.exitCode() + " without an answer";
    return new Outcome(c, output, answer.isPresent(), summary);
  }

  /** The signed answer bundle the app wrote, when it exited 0 with one of a sane size. */
  static Optional<byte[]> answer(RunningApp.Exit exit) {
    Path file = exit.outDir().resolve("answer.json");
    try {
      if (exit.exitCode() != 0 || exit.timedOut() || !Files.isRegularFile(file) || Files.size(file) > MAX_OUTPUT_BYTES) {
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** What a failed run returns as its output, so a failing app ends its job instead of bouncing between operators. */
  static byte[] failureRecord(RunningApp.Exit exit) {
    ObjectNode n = JSON.createObjectNode();
    n.put("appFailed", true);
    n.put("exitCode", exit.exitCode());
    n.put("simulated", true);
    n.put("timedOut", exit.timedOut());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}
