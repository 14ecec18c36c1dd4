// Matmul-level cost of the determinism rules: canonical kernels vs the relaxed (llama.cpp-style)
// baseline on one thread (K-quants: each native variant vs Java), timed by thread CPU time (best of
// N, kernels alternating rep by rep after untimed warm-up passes), so a busy machine and run order
// skew it less. Run through bench/ai/run.sh (or with the same classpath). args: [TYPES=Q8_0,Q4_0,F32,Q4_K,Q6_K]
import dev.trustdial.ai.kernel.BatchActivations;
import dev.trustdial.ai.kernel.JavaKernels;
import dev.trustdial.ai.kernel.MatmulKernels;
import dev.trustdial.ai.kernel.NativeKernels;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

public class MatmulBench {
  public static void main(String[] args) {
    int cols = 768;
    var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    System.out.printf("%-5s %-9s %-6s %-26s %10s %9s%n", "type", "rows", "batch", "kernels", "ms (cpu)", "GB/s");
    for (String typeName : (args.length > 0 ? args[0] : "Q8_0,Q4_0,F32,Q4_K,Q6_K").split(",")) {
      TensorType type = TensorType.valueOf(typeName);
      // 128 MiB of weights: far beyond the caches, like decoding a ~100M model.
      int rows = (int) ((128L << 20) / type.rowBytes(cols)) / 8 * 8;
      long bytes = type.rowBytes(cols) * rows;
      MemorySegment seg = Arena.global().allocate(bytes, 64);
      Random rnd = new Random(1);
      for (long i = 0; i < bytes; i += 8) {
        long v = rnd.nextLong() & 0x3F3F3F3F3F3F3F3FL; // small halves and floats: no inf/NaN
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, i, v);
      }
      WeightMatrix w = new WeightMatrix("bench", type, rows, cols, seg);
      List<MatmulKernels> kernels = new ArrayList<>();
      NativeKernels.Variant top = NativeKernels.bestVariant().orElseThrow();
      if (type.blockSize() == 256) {
        // K-quants: every native variant (the relaxed baseline runs the canonical kernels for them)
        for (int v = top.ordinal(); v >= 0; v--) {
          NativeKernels.load(NativeKernels.Variant.values()[v]).ifPresent(kernels::add);
        }
      } else {
        NativeKernels.load(top).ifPresent(kernels::add);
        NativeKernels.load(NativeKernels.Variant.RELAXED_BASELINE).ifPresent(kernels::add);
      }
      kernels.add(JavaKernels.best());
      for (int batch : new int[] {1, 16}) {
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextGaussian();
        }
        BatchActivations in = new BatchActivations(x, batch, cols);
        in.prepareFor(type);
        float[] out = new float[batch * rows];
        // Untimed passes first (the first native call builds the 16-row copy and touches its pages),
        // then the kernels take turns rep by rep: whichever ran first used to look 20-30 % slower.
        for (MatmulKernels k : kernels) {
          for (int warm = 0; warm < 2; warm++) {
            k.matmul(w, in, out, 0, rows);
          }
        }
        double[] best = new double[kernels.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int rep = 0; rep < 12; rep++) {
          for (int i = 0; i < kernels.size(); i++) {
            MatmulKernels k = kernels.get(i);
            if ((k instanceof JavaKernels || k.name().endsWith("generic")) && rep >= 3) {
              continue;
            }
            long c0 = cpu.getCurrentThreadCpuTime();
            k.matmul(w, in, out, 0, rows);
            best[i] = Math.min(best[i], (cpu.getCurrentThreadCpuTime() - c0) / 1e6);
          }
        }
        for (int i = 0; i < kernels.size(); i++) {
          System.out.printf("%-5s %-9d %-6d %-26s %10.2f %9.1f%n", typeName, rows, batch, kernels.get(i).name(), best[i], bytes / best[i] / 1e6);
        }
      }
    }
  }
}
