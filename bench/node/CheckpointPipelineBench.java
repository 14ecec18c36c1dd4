import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.node.operator.CheckpointPipeline;
import dev.trustdial.node.operator.JobJournal;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Issue 18, "checkpoints that overlap compute": the game world guest with a checkpoint every 2^20
 * steps, end to end on the operator's path (snapshot, DA put, local journal with fsync, heartbeat):
 *
 * <ul>
 *   <li>bare: state hash at each checkpoint only (the VM's own cost);
 *   <li>sync full: today's operator, a full TDVMSNP2 snapshot per checkpoint, all on the VM thread;
 *   <li>sync delta+zstd: the chain links of docs/spec/vm.md §8.1 (full every K), still on the VM thread;
 *   <li>pipeline: the same links through CheckpointPipeline on its own thread (N pending at most).
 * </ul>
 *
 * The DA put and the heartbeat are modeled, not real: {@code da=memory} stores in memory at once
 * (what the VM side costs), {@code da=modeled} sleeps DA_MS + bytes / DA_MBPS per put (bench/da
 * measured 1.04 MB/s for a put to 8 nodes on this machine) and HB_MS per heartbeat. Prints figures,
 * asserts nothing. Knobs (system properties): ticks, entities, repeats, K, N, daMbps, daMs, hbMs, and
 * settings, a list of da/journal pairs (default memory/none,memory/fsync,modeled/fsync).
 */
public class CheckpointPipelineBench {
  static final long STRIDE = 1L << 20;
  static int fullEvery = Integer.getInteger("K", 16);
  static int maxPending = Integer.getInteger("N", 4);
  /** With coalescing, N bounds the heartbeat's lag in checkpoints, not memory (one capture is held). */
  static int maxPendingCoalescing = Integer.getInteger("Nc", 64);
  static double daMbps = Double.parseDouble(System.getProperty("daMbps", "1.04"));
  static long daMs = Long.getLong("daMs", 0);
  static long hbMs = Long.getLong("hbMs", 20);
  /** fsync: the operator's JobJournal (two fsyncs per checkpoint); none: no local copy (the VM side alone). */
  static boolean journalOn = !System.getProperty("journal", "fsync").equals("none");

  /** checkpoints: handed over; heartbeats: written and heartbeated (fewer when coalescing); bytes per written link. */
  record Figures(double stepsPerSec, long steps, long checkpoints, long heartbeats, long bytes, long rawBytes, double vmThreadMsPerCkpt,
      double copyMsPerCkpt) {}

  public static void main(String[] args) throws Exception {
    byte[] elf = Files.readAllBytes(Path.of("trustdial-vm/target/guest/gameworld.elf"));
    int ticks = Integer.getInteger("ticks", 200);
    int entities = Integer.getInteger("entities", 4000);
    int repeats = Integer.getInteger("repeats", 2);
    byte[] input = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(ticks).putInt(entities).putInt(7).array();
    VmConfig cfg = VmConfig.defaults().withCheckpointEvery(STRIDE);
    System.out.printf("gameworld ticks=%d entities=%d, stride 2^20, K=%d, N=%d (coalescing: %d), JIT on; %d CPUs; load average at start: %s%n",
        ticks, entities, fullEvery, maxPending, maxPendingCoalescing, Runtime.getRuntime().availableProcessors(), loadAverage());
    for (String setting : System.getProperty("settings", "memory/none,memory/fsync,modeled/fsync").split(",")) {
      String da = setting.split("/")[0];
      journalOn = setting.split("/")[1].equals("fsync");
      boolean modeled = da.equals("modeled");
      System.out.printf("%n-- da=%s journal=%s%s%n", da, journalOn ? "fsync" : "none", modeled ? String.format(" (put: %d ms + bytes at %.2f MB/s; heartbeat: %d ms)", daMs, daMbps,
          hbMs) : " (put and heartbeat cost nothing)");
      for (int w = 0; w < 4; w++) {
        bare(elf, input, cfg); // warm-up: JIT regions, JVM compilation
      }
      piped(elf, input, cfg, false, true, true); // and the capture / encode paths
      Figures bare = best(repeats, () -> bare(elf, input, cfg));
      Figures syncFull = best(repeats, () -> syncFull(elf, input, cfg, modeled));
      Figures syncDelta = best(repeats, () -> piped(elf, input, cfg, modeled, false, false));
      Figures piped = best(repeats, () -> piped(elf, input, cfg, modeled, true, false));
      Figures coalesced = best(repeats, () -> piped(elf, input, cfg, modeled, true, true));
      Figures bareAfter = best(repeats, () -> bare(elf, input, cfg));
      bare = bareAfter.stepsPerSec() > bare.stepsPerSec() ? bareAfter : bare;
      print("bare (best of before/after)", bare, bare);
      print("sync full", syncFull, bare);
      print("sync delta+zstd", syncDelta, bare);
      print("pipeline delta+zstd", piped, bare);
      print("pipeline, coalescing", coalesced, bare);
      System.out.printf("load average after: %s%n", loadAverage());
    }
  }

  interface Run {
    Figures run() throws Exception;
  }

  static Figures best(int repeats, Run r) throws Exception {
    Figures best = null;
    for (int i = 0; i < repeats; i++) {
      Figures f = r.run();
      if (best == null || f.stepsPerSec() > best.stepsPerSec()) {
        best = f;
      }
    }
    return best;
  }

  static void print(String name, Figures f, Figures bare) {
    if (f.heartbeats() < f.checkpoints()) {
      name += " (" + f.heartbeats() + " hb)";
    }
    System.out.printf("%-28s %8.1f Msteps/s (%5.2fx bare)  %4d checkpoints  stored %6.1f KiB/link (raw %6.1f)  VM thread %7.2f ms/ckpt (snapshot or capture %6.2f)%n",
        name, f.stepsPerSec() / 1e6, f.stepsPerSec() / bare.stepsPerSec(), f.checkpoints(),
        f.heartbeats() == 0 ? 0.0 : f.bytes() / 1024.0 / f.heartbeats(), f.heartbeats() == 0 ? 0.0 : f.rawBytes() / 1024.0 / f.heartbeats(),
        f.vmThreadMsPerCkpt(), f.copyMsPerCkpt());
  }

  static Figures bare(byte[] elf, byte[] input, VmConfig cfg) {
    Machine m = Vm.load(elf, input, cfg);
    long t = System.nanoTime();
    long steps = m.run(1L << 40, CheckpointSink.NONE).steps();
    return new Figures(steps * 1e9 / (System.nanoTime() - t), steps, 0, 0, 0, 0, 0, 0);
  }

  static Bytes32 put(byte[] bytes, boolean modeled) {
    if (modeled) {
      sleep(daMs + (long) (bytes.length / (daMbps * 1e6) * 1000));
    }
    return Hashes.keccak256(bytes);
  }

  static void heartbeat(boolean modeled) {
    if (modeled) {
      sleep(hbMs);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Today's OperatorNode path: all of it in the checkpoint callback, on the VM thread. */
  static Figures syncFull(byte[] elf, byte[] input, VmConfig cfg, boolean modeled) throws Exception {
    Path dir = Files.createTempDirectory("ckpt-bench");
    JobJournal journal = JobJournal.open(dir);
    Machine m = Vm.load(elf, input, cfg);
    long[] acc = new long[4]; // checkpoints, bytes, VM-thread nanos in the callback, nanos in snapshot()
    long t = System.nanoTime();
    long steps = m.run(1L << 40, (cp, machine) -> {
      if (machine.terminal()) {
        return;
      }
      long c0 = System.nanoTime();
      byte[] snap = machine.snapshot();
      acc[3] += System.nanoTime() - c0;
      Bytes32 key = put(snap, modeled);
      if (journalOn) {
        journal.checkpoint(new JobJournal.Entry(BigInteger.ONE, 1, cp.step(), cp.stateHash(), key, false), snap);
      }
      heartbeat(modeled);
      acc[0]++;
      acc[1] += snap.length;
      acc[2] += System.nanoTime() - c0;
    }).steps();
    double sps = steps * 1e9 / (System.nanoTime() - t);
    return new Figures(sps, steps, acc[0], acc[0], acc[1], acc[1], acc[2] / 1e6 / Math.max(1, acc[0]), acc[3] / 1e6 / Math.max(1, acc[0]));
  }

  /** The chain links through CheckpointPipeline: on its own thread (piped) or on the VM thread (same-thread executor). */
  static Figures piped(byte[] elf, byte[] input, VmConfig cfg, boolean modeled, boolean ownThread, boolean coalesce) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ckpt-bench");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    JobJournal journal = JobJournal.open(dir);
    ExecutorService pool = ownThread ? Executors.newSingleThreadExecutor() : null;
    CheckpointPipeline p = new CheckpointPipeline(ownThread ? pool : Runnable::run, coalesce ? maxPendingCoalescing : maxPending,
        fullEvery, 3, coalesce, 0, () -> 0, bytes -> put(bytes, modeled),
        w -> {
          if (journalOn) {
            journal.checkpointLink(new JobJournal.Entry(BigInteger.ONE, 1, w.step(), w.stateHash(), w.blobKey(), false), w.stored(),
                w.linkHash(), w.full());
          }
        }, (step, hash, key) -> heartbeat(modeled));
    Machine m = Vm.load(elf, input, cfg);
    long[] vmNanos = {0};
    long t = System.nanoTime();
    long steps = m.run(1L << 40, (cp, machine) -> {
      if (!machine.terminal()) {
        long c0 = System.nanoTime();
        p.submit(machine);
        vmNanos[0] += System.nanoTime() - c0;
      }
    }).steps();
    p.drain(); // the job's result is posted after the last heartbeat
    double sps = steps * 1e9 / (System.nanoTime() - t);
    if (pool != null) {
      pool.shutdown();
    }
    CheckpointPipeline.Stats s = p.stats();
    return new Figures(sps, steps, s.submitted(), s.heartbeated(), s.storedBytes(), s.rawBytes(), vmNanos[0] / 1e6 / Math.max(1, s.submitted()),
        s.captureNanos() / 1e6 / Math.max(1, s.submitted()));
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }
}
