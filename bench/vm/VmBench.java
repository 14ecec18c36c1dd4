import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.jit.JitStats;
import dev.trustdial.vm.memory.Memory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Interpreter and JIT speed on the example guests: MIPS with checkpoints effectively off (stride 2^62)
 * and at the protocol's 2^20 stride, end to end (wall and process CPU time, best of the repeats),
 * plus a split run that times the interpreter and the checkpoint state hashes apart in process
 * CPU time: other load on a shared machine disturbs that ratio far less than the difference of
 * two end-to-end times. The JIT (VmConfig.jit) is timed the same ways in the same JVM, plus its
 * translation cost and its first run in the fresh JVM (warm-up). Run through bench/vm/run.sh,
 * which also times the same programs natively and under qemu-riscv32. Usage: VmBench GUEST_DIR NAME INPUT_FILE [repeats]
 */
public final class VmBench {
  static final long STRIDE = VmConfig.DEFAULT_STRIDE;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String name = args[1];
    byte[] elf = Files.readAllBytes(dir.resolve(name + ".elf"));
    byte[] input = Files.readAllBytes(Path.of(args[2]));
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    VmConfig interp = VmConfig.defaults().withJit(false);
    VmConfig off = interp.withCheckpointEvery(1L << 62);
    VmConfig jit = VmConfig.defaults().withJit(true);
    VmConfig jitOff = jit.withCheckpointEvery(1L << 62);
    // the JIT's warm-up: the first run in this fresh JVM (class-file API, our translation and the
    // JVM's own compilation of the translated regions all cold)
    JitStats[] firstStats = new JitStats[1];
    double[] first = timed(elf, input, jitOff, firstStats);
    // warm up the JIT on the same program, interpreter and hashing both; with the Vector API the
    // memory tree switches to SIMD keccak once it has hashed enough for a background thread to
    // warm that kernel up (seconds), which a guest that writes little memory may never reach
    long warmUntil = System.nanoTime() + 30_000_000_000L;
    do {
      timed(elf, input, interp, null);
      timed(elf, input, jit, null);
    } while (Memory.nodeHashKernel().contains("warming") && System.nanoTime() < warmUntil);
    double bestOff = Double.MAX_VALUE, bestOn = Double.MAX_VALUE, cpuOff = Double.MAX_VALUE, cpuOn = Double.MAX_VALUE;
    double runCpu = Double.MAX_VALUE, hashCpu = Double.MAX_VALUE;
    double jOff = Double.MAX_VALUE, jOn = Double.MAX_VALUE, jCpuOff = Double.MAX_VALUE, jRun = Double.MAX_VALUE;
    JitStats[] jitStats = new JitStats[1];
    long steps = 0, checkpoints = 0;
    for (int i = 0; i < repeats; i++) {
      double[] a = timed(elf, input, off, null);
      double[] b = timed(elf, input, interp, null);
      double[] c = split(elf, input, off);
      double[] d = timed(elf, input, jitOff, jitStats);
      double[] e = timed(elf, input, jit, null);
      double[] f = split(elf, input, jitOff);
      jOff = Math.min(jOff, d[0]);
      jCpuOff = Math.min(jCpuOff, d[2]);
      jOn = Math.min(jOn, e[0]);
      jRun = Math.min(jRun, f[0]);
      if ((long) d[1] != (long) a[1] || (long) f[3] != (long) a[1]) {
        throw new IllegalStateException("JIT run took " + (long) d[1] + " steps, not " + (long) a[1]);
      }
      bestOff = Math.min(bestOff, a[0]);
      bestOn = Math.min(bestOn, b[0]);
      cpuOff = Math.min(cpuOff, a[2]);
      cpuOn = Math.min(cpuOn, b[2]);
      runCpu = Math.min(runCpu, c[0]);
      hashCpu = Math.min(hashCpu, c[1]);
      steps = (long) a[1];
      checkpoints = (long) c[2];
      if ((long) c[3] != steps) {
        throw new IllegalStateException("split run took " + (long) c[3] + " steps, not " + steps);
      }
    }
    // wall time is what a user sees; process CPU time discounts other load on a shared machine
    System.out.printf("%s steps=%d hash=%s vm_s=%.3f vm_mips=%.1f vm_cpu_mips=%.1f ckpt2^20_mips=%.1f ckpt2^20_cpu_mips=%.1f"
        + " ckpt_overhead_wall=%.1f%% ckpt_overhead_cpu=%.1f%% | split: interp_thread_mips=%.1f checkpoints=%d"
        + " hash_us_per_ckpt=%.0f ckpt_hash_share=%.1f%%%n",
        name, steps, Memory.nodeHashKernel().replace(' ', '_'), bestOff, steps / bestOff / 1e6, steps / cpuOff / 1e6, steps / bestOn / 1e6,
        steps / cpuOn / 1e6, 100 * (bestOn - bestOff) / bestOff, 100 * (cpuOn - cpuOff) / cpuOff,
        steps / runCpu / 1e6, checkpoints, hashCpu / checkpoints * 1e6, 100 * hashCpu / runCpu);
    // later runs in this JVM take the regions the first run translated from the JVM-wide cache
    JitStats j = jitStats[0];
    JitStats f = firstStats[0];
    System.out.printf("%s jit: jit_s=%.3f jit_mips=%.1f jit_cpu_mips=%.1f jit_ckpt2^20_mips=%.1f jit_thread_mips=%.1f"
        + " jit/interp_thread=%.2fx translated_share=%.5f steps_per_region_call=%.0f reused_regions=%d | first run in a fresh JVM:"
        + " first_run_s=%.3f first_run_mips=%.1f regions=%d guest_instr=%d bytecode_kib=%.0f translate_ms=%.1f (%.0f us/region)%n",
        name, jOff, steps / jOff / 1e6, steps / jCpuOff / 1e6, steps / jOn / 1e6, steps / jRun / 1e6, runCpu / jRun,
        (double) j.translatedSteps() / steps, (double) j.translatedSteps() / Math.max(1, j.regionRuns()), j.reusedRegions(),
        first[0], steps / first[0] / 1e6, f.regions(), f.instructions(), f.bytecodeBytes() / 1024.0, f.compileNanos() / 1e6,
        f.compileNanos() / 1e3 / Math.max(1, f.regions()));
  }

  /** {wall s, steps, process CPU s} of one run from load to exit. */
  static double[] timed(byte[] elf, byte[] input, VmConfig cfg, JitStats[] stats) {
    // process CPU time: counts any pool threads that hash dirty pages in parallel
    var mx = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long c0 = mx.getProcessCpuTime();
    long t0 = System.nanoTime();
    Machine m = Vm.load(elf, input, cfg);
    RunResult r = m.run(Long.MAX_VALUE / 2, CheckpointSink.NONE);
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (mx.getProcessCpuTime() - c0) / 1e9;
    if (stats != null) {
      stats[0] = m.jitStats().orElseThrow();
    }
    return new double[] {s, r.steps(), cpu};
  }

  /**
   * {interpreter CPU s, state-hash CPU s, checkpoints, steps}: runs to each 2^20 boundary and takes
   * the state hash there, as a checkpoint does, timing the two apart in this thread's CPU time
   * (nanosecond resolution; process CPU time ticks in 10 ms). A flush of fewer than 256 dirty
   * pages hashes on the calling thread, so this is all of its cost.
   */
  static double[] split(byte[] elf, byte[] input, VmConfig cfg) {
    var threads = ManagementFactory.getThreadMXBean();
    Machine m = Vm.load(elf, input, cfg);
    long run = 0, hash = 0, n = 0;
    while (!m.terminal()) {
      long t0 = threads.getCurrentThreadCpuTime();
      m.runTo(m.step() / STRIDE * STRIDE + STRIDE, CheckpointSink.NONE);
      long t1 = threads.getCurrentThreadCpuTime();
      m.stateHash();
      long t2 = threads.getCurrentThreadCpuTime();
      run += t1 - t0;
      hash += t2 - t1;
      n++;
    }
    return new double[] {run / 1e9, hash / 1e9, n, m.step()};
  }
}
