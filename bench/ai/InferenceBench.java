// Generation and prefill throughput of the trustdial-ai engine on generated ~100M-parameter GGUFs.
// Run through bench/ai/run.sh (it builds the module and passes the classpath). Prints figures only;
// never part of the test run.
import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

public class InferenceBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/trustdial-bench-models");
    String[] types = (args.length > 1 ? args[1] : "Q8_0,Q4_0,F32").split(",");
    String[] threadCounts = (args.length > 2 ? args[2] : "1,2").split(",");
    String[] kernelModes = (args.length > 3 ? args[3] : "native,java").split(",");
    int promptLen = 128;
    int genTokens = Integer.getInteger("bench.gen", 48);
    Files.createDirectories(dir);
    String mode = dev.trustdial.ai.kernel.RelaxedBaseline.ON ? "relaxed" : "determ.";
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("%-6s %-7s %-7s %-22s %11s %11s %11s %11s%n", "type", "threads", "mode", "kernels",
        "prefill/s", "prefill/cpu", "decode/s", "decode/cpu");
    for (String typeName : types) {
      TensorType type = TensorType.valueOf(typeName);
      Path file = dir.resolve("bench-llama-100m-" + typeName + ".gguf");
      if (!Files.exists(file)) {
        BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.hundredMillion(Architecture.LLAMA, type), file);
      }
      for (String kernels : kernelModes) {
        for (String t : threadCounts) {
          int threads = Integer.parseInt(t);
          try (Engine e = Engine.load(file, new EngineOptions(threads, 1, 64, kernels.equals("native")))) {
            int[] prompt = new int[promptLen];
            for (int i = 0; i < promptLen; i++) {
              prompt[i] = 300 + (i * 37) % 10000;
            }
            e.logits(new int[] {1, 2, 3, 4, 5, 6, 7, 8}); // warm-up (JIT)
            e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 24, Set.of(), 0), TokenSink.discard());
            // Best of 3 (the machine is shared): wall-clock and process-CPU-time rates.
            double prefill = 0, prefillCpu = 0, decode = 0, decodeCpu = 0;
            for (int rep = 0; rep < 3; rep++) {
              long p0 = System.nanoTime();
              long c0 = os.getProcessCpuTime();
              e.logits(prompt);
              prefill = Math.max(prefill, promptLen / ((System.nanoTime() - p0) / 1e9));
              prefillCpu = Math.max(prefillCpu, promptLen / ((os.getProcessCpuTime() - c0) / 1e9));
              // decode: (1-token prompt + N+1 tokens) minus (1-token prompt + 1 token) excludes the prefill
              long g0 = System.nanoTime();
              long d0 = os.getProcessCpuTime();
              e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), genTokens + 1, Set.of(), 0), TokenSink.discard());
              long g1 = System.nanoTime();
              long d1 = os.getProcessCpuTime();
              e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 1, Set.of(), 0), TokenSink.discard());
              long g2 = System.nanoTime();
              long d2 = os.getProcessCpuTime();
              decode = Math.max(decode, genTokens / (((g1 - g0) - (g2 - g1)) / 1e9));
              decodeCpu = Math.max(decodeCpu, genTokens / (((d1 - d0) - (d2 - d1)) / 1e9));
            }
            System.out.printf("%-6s %-7d %-7s %-22s %11.1f %11.1f %11.2f %11.2f%n", typeName, threads, mode, e.kernelName(),
                prefill, prefillCpu, decode, decodeCpu);
          }
        }
      }
    }
  }
}
