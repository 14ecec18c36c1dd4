package dev.trustdial.cli.chaos;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import dev.trustdial.node.job.Execution;
import dev.trustdial.node.job.JobOutcome;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The chaos run's jobs: runs of the sha256chain guest under a REEXEC_INTERSUBJECTIVE app of the
 * developer's, their inputs drawn from the seed, submitted one every few seconds. Each job's
 * uninterrupted result is computed here too: the reference a lie is told from.
 */
final class JobStream implements AutoCloseable {
  /** Steps between checkpoints: a few checkpoints (DA puts and heartbeats) per job. */
  static final long STRIDE = 1L << 24;

  static final long MAX_STEPS = 1L << 32;
  static final int MIN_ITERATIONS = 5_000;
  static final int MAX_ITERATIONS = 30_000;

  /** Open jobs above which the stream waits instead of submitting (it is no spam test). */
  static final int MAX_OPEN = 6;

  private final byte[] elf;
  private final Settlement developer;
  private final DaClient da;
  private final Random rnd;
  private final BigInteger appId;
  private final Bytes32 programKey;
  private final ExecutorService references = Executors.newSingleThreadExecutor();
  private final Map<BigInteger, CompletableFuture<ResultCommitment>> expected =
      new ConcurrentHashMap<>();

  private JobStream(
      byte[] elf, Settlement developer, DaClient da, Random rnd, BigInteger appId, Bytes32 key) {
    this.elf = elf;
    this.developer = developer;
    this.da = da;
    this.rnd = rnd;
    this.appId = appId;
    this.programKey = key;
  }

  /** Puts the guest on DA and creates its app. */
  static JobStream open(byte[] elf, Settlement developer, DaClient da, long seed) {
    Bytes32 key = da.put(elf).blobKey();
    BigInteger app =
        developer
            .createApp(TrustMode.REEXEC_INTERSUBJECTIVE, Hashes.keccak256(elf), new byte[0])
            .id();
    // Its own stream of draws: the job inputs do not shift when the fault plan changes.
    return new JobStream(elf, developer, da, new Random(seed ^ 0x6a6f6273L), app, key);
  }

  BigInteger appId() {
    return appId;
  }

  /** The next job's input: a seeded iteration count, then 32 seeded bytes. */
  byte[] nextInput() {
    int iterations = MIN_ITERATIONS + rnd.nextInt(MAX_ITERATIONS - MIN_ITERATIONS + 1);
    byte[] data = new byte[32];
    rnd.nextBytes(data);
    return ByteBuffer.allocate(4 + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(iterations)
        .put(data)
        .array();
  }

  /** Seconds until the next submission, drawn from the job stream's seed. */
  long nextGapSeconds() {
    return 2 + rnd.nextInt(5);
  }

  /** Puts the envelope on DA, submits the job and starts computing its reference result. */
  BigInteger submit(byte[] input, BigInteger fee) {
    JobEnvelope envelope = new JobEnvelope(programKey, STRIDE, input);
    Bytes32 key = da.put(envelope.encode()).blobKey();
    BigInteger id = developer.submitJob(appId, key, envelope.digest(), MAX_STEPS, fee).id();
    JobProgram program = new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
    expected.put(id, CompletableFuture.supplyAsync(() -> reference(program), references));
    return id;
  }

  private static ResultCommitment reference(JobProgram program) {
    JobOutcome o =
        Execution.outcome(
            Execution.start(program, Optional.empty()), MAX_STEPS, CheckpointSink.NONE);
    if (o instanceof JobOutcome.Completed c) {
      return c.commitment();
    }
    throw new IllegalStateException("the reference run of a chaos job did not complete: " + o);
  }

  /** Every submitted job's uninterrupted result (waits for the ones still computing). */
  Map<BigInteger, ResultCommitment> references() {
    Map<BigInteger, ResultCommitment> out = new java.util.TreeMap<>();
    expected.forEach((id, f) -> out.put(id, f.join()));
    return out;
  }

  @Override
  public void close() {
    references.shutdownNow();
  }
}
