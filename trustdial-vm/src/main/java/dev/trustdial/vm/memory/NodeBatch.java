package dev.trustdial.vm.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Merkle node hashes queued and computed several at a time: keccak256 of 64 bytes (two leaves, or
 * two child hashes) into a 4-lane digest slot. Jobs added between two {@link #drain()} calls must
 * not read each other's results, which holds for the nodes of one tree level. With the
 * jdk.incubator.vector module present the jobs go {@link KeccakVector#LANES} at a time through
 * SIMD; otherwise one at a time through {@link Keccak}. Both give the same bits, so which one runs
 * never changes a hash. Not thread-safe: one batch per hashing thread.
 */
final class NodeBatch {
  /** Whether SIMD hashing is possible: the module is in the boot layer and 4+ lanes fit. */
  static final boolean SIMD = simdAvailable();

  /**
   * Scalar hashes after which a background thread warms the SIMD kernel up. Until C2 compiles it
   * the Vector API runs boxed, ~1 s of CPU for the first few thousand calls (bench/vm/README.md),
   * while the scalar kernel needs 8 ms for the same work: short runs never start it.
   */
  static final long WARM_UP_AFTER = 1L << 18;

  private static final AtomicLong SCALAR_HASHES = new AtomicLong();
  private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();

  /** Set once the SIMD kernel, compiled, beats the scalar one; never cleared. */
  private static volatile boolean simdReady;

  private static volatile boolean warmUpGaveUp;

  private final int lanes;

  /** Use SIMD only once {@link #simdReady}; false: SIMD whenever lanes > 1 (tests). */
  private final boolean adaptive;

  /** Transposed messages: in[k*lanes + m] is lane k of queued job m. */
  private final long[] in;

  /** Transposed digests: out[j*lanes + m] is lane j of job m's hash. */
  private final long[] out;

  private final long[][] dst;
  private final int[] dstOff;
  private int queued;

  private NodeBatch(int lanes, boolean adaptive) {
    this.lanes = lanes;
    this.adaptive = adaptive;
    this.in = new long[8 * lanes];
    this.out = new long[4 * lanes];
    this.dst = new long[lanes][];
    this.dstOff = new int[lanes];
  }

  /**
   * The batch for the memory tree: SIMD once it is warm, scalar until then or without the module.
   */
  static NodeBatch create() {
    return SIMD ? new NodeBatch(KeccakVector.LANES, true) : scalar();
  }

  /** One job at a time through the scalar Keccak (the reference for the SIMD path). */
  static NodeBatch scalar() {
    return new NodeBatch(1, false);
  }

  /** SIMD from the first call, warm or not (tests of the kernel itself). */
  static NodeBatch simd() {
    if (!SIMD) {
      throw new IllegalStateException(
          "SIMD hashing needs --add-modules jdk.incubator.vector and 256-bit vectors");
    }
    return new NodeBatch(KeccakVector.LANES, false);
  }

  /** What hashes nodes in this JVM now, for benchmarks and logs. */
  static String kernel() {
    if (!SIMD) {
      return "scalar";
    }
    if (simdReady) {
      return "simd-" + KeccakVector.LANES;
    }
    return warmUpGaveUp
        ? "scalar (simd never beat it)"
        : WARM_UP_STARTED.get() ? "scalar (simd warming up)" : "scalar (little hashing yet)";
  }

  private static boolean simdAvailable() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    return KeccakVector.LANES >= 4; // narrower vectors (or none) would not beat the scalar code
  }

  int lanes() {
    return lanes;
  }

  /** Queues keccak256 of the 64 bytes held by words[off..off+16) into d[dOff..dOff+4). */
  void addWords(int[] words, int off, long[] d, int dOff) {
    int m = queued;
    for (int k = 0; k < 8; k++) {
      in[k * lanes + m] =
          (words[off + 2 * k] & 0xffffffffL) | ((long) words[off + 2 * k + 1] << 32);
    }
    enqueue(d, dOff);
  }

  /** Queues keccak256(l[lOff..+4) || r[rOff..+4)) into d[dOff..dOff+4). */
  void addPair(long[] l, int lOff, long[] r, int rOff, long[] d, int dOff) {
    int m = queued;
    for (int k = 0; k < 4; k++) {
      in[k * lanes + m] = l[lOff + k];
      in[(k + 4) * lanes + m] = r[rOff + k];
    }
    enqueue(d, dOff);
  }

  private void enqueue(long[] d, int dOff) {
    dst[queued] = d;
    dstOff[queued] = dOff;
    if (++queued == lanes) {
      drain();
    }
  }

  /** Hashes every queued job and stores the digests; call before reading any of them. */
  void drain() {
    if (queued == 0) {
      return;
    }
    if (lanes > 1 && (simdReady || !adaptive)) {
      KeccakVector.hash(in, out); // lanes past `queued` hold stale messages: hashed, never stored
    } else {
      for (int m = 0; m < queued; m++) {
        Keccak.hashLanes(in, m, lanes, out, m, lanes);
      }
      if (adaptive
          && SCALAR_HASHES.addAndGet(queued) >= WARM_UP_AFTER
          && WARM_UP_STARTED.compareAndSet(false, true)) {
        Thread.ofPlatform().daemon().name("trustdial-vm-simd-warm-up").start(NodeBatch::warmUp);
      }
    }
    for (int m = 0; m < queued; m++) {
      long[] d = dst[m];
      int o = dstOff[m];
      d[o] = out[m];
      d[o + 1] = out[lanes + m];
      d[o + 2] = out[2 * lanes + m];
      d[o + 3] = out[3 * lanes + m];
      dst[m] = null;
    }
    queued = 0;
  }

  /**
   * Runs the SIMD kernel on scratch data until a round of calls costs less per hash than the scalar
   * kernel (the JIT has compiled it), then switches every adaptive batch to it. Gives up after 10 s
   * of its own CPU time, staying scalar, where SIMD never wins (no C2, vectors emulated in
   * hardware). Thread CPU time, so a busy machine delays the switch but does not cancel it.
   */
  private static void warmUp() {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] in = new long[8 * KeccakVector.LANES];
    long[] out = new long[4 * KeccakVector.LANES];
    long budget = cpu.getCurrentThreadCpuTime() + 10_000_000_000L;
    for (int round = 0; cpu.getCurrentThreadCpuTime() < budget; round++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < 64; i++) {
        KeccakVector.hash(in, out);
        in[i & 7] ^= out[0];
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < 64 * KeccakVector.LANES; i++) {
        Keccak.hashLanes(in, 0, KeccakVector.LANES, out, 0, KeccakVector.LANES);
        in[i & 7] ^= out[0];
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      if (round >= 8 && t1 - t0 < t2 - t1) {
        simdReady = true;
        return;
      }
    }
    warmUpGaveUp = true;
  }
}
