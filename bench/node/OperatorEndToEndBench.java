package dev.trustdial.node.process;

import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 18, "checkpoints that overlap compute", end to end: a real operator process (NodeMain) on a
 * fresh anvil with the contracts, 4 real DA node processes (KZG, certificates registered onchain),
 * runs the demo's job-1 guest (game world, 256 entities) at the demo's stride 2^24; once per
 * {@code checkpointsInFlight} setting (0: the VM stops at each checkpoint, the synchronous path;
 * N: the pipeline). The operator's steps/s is the job's steps over the time between its own log
 * lines "running from step 0" and "submitted result" (fetch, VM, every checkpoint's capture, encode,
 * DA put, certificate and heartbeat, the drain, the output put and the result transaction). The bare
 * VM runs the same program here, without checkpoints: its first run (cold, as the operator's) and
 * its best of three. Prints figures, asserts nothing.
 *
 * <p>Knobs (system properties): ticks (default 16000, the demo's), settings (default
 * "0,4,4@2000,4@5000": checkpointsInFlight, then after '@' a checkpointMinIntervalMs), stride log2
 * (default 24), fullEvery (default 16).
 */
public class OperatorEndToEndBench {
  static final int ENTITIES = 256;
  static final long MAX_STEPS = 1L << 33;
  /** The operator log's time of day, HH:mm:ss.SSS. */
  static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) ");

  public static void main(String[] args) throws Exception {
    int ticks = Integer.getInteger("ticks", 16_000);
    long stride = 1L << Integer.getInteger("strideLog2", 24);
    int fullEvery = Integer.getInteger("fullEvery", 16);
    String[] settings = System.getProperty("settings", "0,4,4@2000,4@5000").split(",");
    byte[] elf = Files.readAllBytes(Path.of("..", "trustdial-vm", "target", "guest", "gameworld.elf"));
    byte[] input =
        ByteBuffer.allocate(12)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(ticks)
            .putInt(ENTITIES)
            .putInt(ticks * 31 + 7)
            .array();
    System.out.printf(
        "game world ticks=%d entities=%d, stride 2^%d, checkpointFullEvery %d; %d CPUs; %s%n",
        ticks,
        ENTITIES,
        Long.numberOfTrailingZeros(stride),
        fullEvery,
        Runtime.getRuntime().availableProcessors(),
        uptime());
    long t0 = System.nanoTime();
    RunResult expected = bare(elf, input, stride);
    double bareCold = expected.steps() / ((System.nanoTime() - t0) / 1e9);
    double bareBest = 0;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      bare(elf, input, stride);
      bareBest = Math.max(bareBest, expected.steps() / ((System.nanoTime() - t) / 1e9));
    }
    System.out.printf(
        "bare VM: %,d steps, %d checkpoints; cold %.1f Msteps/s, best of 3 %.1f Msteps/s%n",
        expected.steps(), expected.steps() / stride, bareCold / 1e6, bareBest / 1e6);
    Path dir = Files.createTempDirectory("operator-e2e-bench");
    try (DaNetwork da = DaNetwork.start(dir.resolve("da"), 4)) {
      DataAvailability client = da.settings().client();
      for (String setting : settings) {
        String[] parts = setting.trim().split("@");
        int inFlight = Integer.parseInt(parts[0]);
        long intervalMs = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        try (Devchain chain =
            Devchain.start(dir.resolve("inflight-" + inFlight + "-" + intervalMs), da, 60)) {
          chain.extraConfig =
              ", \"checkpointsInFlight\": %d, \"checkpointFullEvery\": %d, \"checkpointMinIntervalMs\": %d"
                  .formatted(inFlight, fullEvery, intervalMs);
          ChildJvm.Started op = chain.startNodes(List.of("operator-1"), List.of(1)).getFirst();
          BigInteger id =
              SubmittedJob.submitProgram(chain.as(7), client, elf, input, stride, MAX_STEPS);
          var result =
              chain.await(
                  SettlementEvent.ResultSubmitted.class,
                  r -> r.jobId().equals(id),
                  Duration.ofMinutes(10));
          if (!result.result().equals(Execution.commitment(expected))) {
            throw new IllegalStateException("the operator's result differs from the bare run's");
          }
          long heartbeats =
              chain.count(
                  SettlementEvent.HeartbeatPosted.class,
                  e -> ((SettlementEvent.HeartbeatPosted) e).jobId().equals(id));
          List<String> log = Files.readAllLines(op.log());
          long start = millisOf(log, "running from step 0");
          long end = millisOf(log, "submitted result after");
          double seconds = (end - start) / 1e3;
          double rate = expected.steps() / seconds;
          System.out.printf(
              "checkpointsInFlight %d, min interval %d ms: %.2f s end to end, %.1f Msteps/s = %.2fx"
                  + " bare cold, %.2fx bare best; %d heartbeats%n",
              inFlight,
              intervalMs,
              seconds,
              rate / 1e6,
              rate / bareCold,
              rate / bareBest,
              heartbeats);
        }
      }
    }
    System.out.printf("after: %s%n", uptime());
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static RunResult bare(byte[] elf, byte[] input, long stride) {
    JobEnvelope envelope = new JobEnvelope(Bytes32.ZERO, stride, input);
    JobProgram p = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    return Execution.finish(Execution.start(p, Optional.empty()), MAX_STEPS, CheckpointSink.NONE);
  }

  /** The time of day (ms) of the operator log's first line containing {@code text}. */
  static long millisOf(List<String> log, String text) {
    for (String line : log) {
      if (line.contains(text)) {
        Matcher m = LOG_TIME.matcher(line);
        if (m.find()) {
          return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                      + Long.parseLong(m.group(3)))
                  * 1000
              + Long.parseLong(m.group(4));
        }
      }
    }
    throw new IllegalStateException("no log line with '" + text + "'");
  }

  static String uptime() throws Exception {
    return new String(new ProcessBuilder("uptime").start().getInputStream().readAllBytes()).trim();
  }
}
