import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Interpreter speed on the example guests: MIPS with checkpoints effectively off (stride 2^62)
 * and at the protocol's 2^20 stride. Run through bench/vm/run.sh, which also times the same
 * programs natively and under qemu-riscv32. Usage: VmBench GUEST_DIR NAME INPUT_FILE [repeats]
 */
public final class VmBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String name = args[1];
    byte[] elf = Files.readAllBytes(dir.resolve(name + ".elf"));
    byte[] input = Files.readAllBytes(Path.of(args[2]));
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    // warm up the JIT on the same program
    timed(elf, input, VmConfig.defaults().withCheckpointEvery(1L << 62));
    double bestOff = Double.MAX_VALUE, bestOn = Double.MAX_VALUE, cpuOff = Double.MAX_VALUE, cpuOn = Double.MAX_VALUE;
    long steps = 0;
    for (int i = 0; i < repeats; i++) {
      double[] off = timed(elf, input, VmConfig.defaults().withCheckpointEvery(1L << 62));
      double[] on = timed(elf, input, VmConfig.defaults());
      bestOff = Math.min(bestOff, off[0]);
      bestOn = Math.min(bestOn, on[0]);
      cpuOff = Math.min(cpuOff, off[2]);
      cpuOn = Math.min(cpuOn, on[2]);
      steps = (long) off[1];
    }
    // wall time is what a user sees; process CPU time discounts other load on a shared machine
    System.out.printf("%s steps=%d vm_s=%.3f vm_mips=%.1f vm_cpu_mips=%.1f ckpt2^20_mips=%.1f ckpt2^20_cpu_mips=%.1f ckpt_overhead_cpu=%.1f%%%n",
        name, steps, bestOff, steps / bestOff / 1e6, steps / cpuOff / 1e6, steps / bestOn / 1e6, steps / cpuOn / 1e6,
        100 * (cpuOn - cpuOff) / cpuOff);
  }

  static double[] timed(byte[] elf, byte[] input, VmConfig cfg) {
    // process CPU time: counts the pool threads that hash dirty pages in parallel at checkpoints
    var mx = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long c0 = mx.getProcessCpuTime();
    long t0 = System.nanoTime();
    Machine m = Vm.load(elf, input, cfg);
    RunResult r = m.run(Long.MAX_VALUE / 2, CheckpointSink.NONE);
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (mx.getProcessCpuTime() - c0) / 1e9;
    return new double[] {s, r.steps(), cpu};
  }
}
