package dev.trustdial.tee.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.sim.Rtmrs;
import dev.trustdial.tee.transcript.Transcript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A launched app: its process, its agent, and what the launch wrote (under {@code
 * workDir/runtime}).
 */
public final class RunningApp implements AutoCloseable {
  /** How the app ended: exit code, or killed at the configured timeout. */
  public record Exit(int exitCode, boolean timedOut, Path outDir, Path runtimeDir) {}

  private final BigInteger appId;
  private final AppMeasurement measurement;
  private final Optional<Long> appVersion;
  private final Optional<Address> wallet;
  private final Process process;
  private final AttestationAgent agent;
  private final int timeoutSeconds;
  private final Path workDir;
  private final long deadlineNanos;

  RunningApp(
      BigInteger appId,
      AppMeasurement measurement,
      Optional<Long> appVersion,
      Optional<Address> wallet,
      Process process,
      AttestationAgent agent,
      int timeoutSeconds,
      Path workDir) {
    this.appId = appId;
    this.measurement = measurement;
    this.appVersion = appVersion;
    this.wallet = wallet;
    this.process = process;
    this.agent = agent;
    this.timeoutSeconds = timeoutSeconds;
    this.workDir = workDir;
    this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
  }

  public AppMeasurement measurement() {
    return measurement;
  }

  public Optional<Address> wallet() {
    return wallet;
  }

  public long pid() {
    return process.pid();
  }

  /** The latest state the app sealed, if any (the node checkpoints this to DA). */
  public Optional<byte[]> latestSealedState() {
    return agent.latestSealedState();
  }

  /**
   * The runtime's signature over a job result digest with the app's wallet (EIP-191), which
   * JobManager.submitTeeResult checks against the app's registered signer. The key never leaves the
   * runtime; on this simulated backend the runtime runs in the operator's process, so this is only
   * as strong as that process (a hardware TEE runs runtime and app inside the enclave).
   */
  public Optional<dev.trustdial.core.crypto.Signature> signWithAppWallet(
      dev.trustdial.core.bytes.Bytes32 digest) {
    return agent.signWithAppWallet(digest);
  }

  public Transcript transcript() {
    return agent.transcriptLog();
  }

  /** Waits at most {@code d} (never past the app's timeout); true when the app has exited. */
  public boolean waitFor(Duration d) {
    try {
      return process.waitFor(
          Math.min(d.toNanos(), Math.max(0, deadlineNanos - System.nanoTime())),
          TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Whether the app's configured timeout (counted from its launch) has passed. */
  public boolean pastTimeout() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  /**
   * Waits for the app (until its configured timeout from launch, then kills it), then writes the
   * launch record.
   */
  public Exit await() {
    boolean done;
    try {
      done = process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    if (!done) {
      kill();
    }
    int code = done ? process.exitValue() : -1;
    agent.close();
    Path runtimeDir = workDir.resolve("runtime");
    writeRecord(runtimeDir, code, !done);
    return new Exit(code, !done, workDir.resolve("out"), runtimeDir);
  }

  private void writeRecord(Path runtimeDir, int code, boolean timedOut) {
    Transcript t = agent.transcriptLog();
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("simulated", true);
    n.put("runtime", AppMeasurement.RUNTIME_IDENTITY);
    n.put("appId", appId.toString());
    appVersion.ifPresent(v -> n.put("appVersion", v));
    wallet.ifPresent(w -> n.put("wallet", w.toString()));
    n.put("artifactDigest", measurement.artifactDigest().toHex());
    Rtmrs r = measurement.registers();
    ObjectNode regs = n.putObject("measurements");
    for (int i = 0; i < 4; i++) {
      regs.put("RTMR" + i, Hex.encode(r.get(i)));
    }
    n.put("exitCode", code);
    n.put("timedOut", timedOut);
    Transcript.Head h = t.snapshot();
    n.put("transcriptHead", h.hash().toHex());
    n.put("transcriptEntries", h.entries());
    n.put("sealedState", agent.latestSealedState().isPresent());
    try {
      Files.write(runtimeDir.resolve("transcript.bin"), t.encode());
      Files.write(
          runtimeDir.resolve("runtime.json"),
          JsonExchange.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the launch record in " + runtimeDir, e);
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the app (and its children) and the agent. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    agent.close();
  }

  public Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }
}
