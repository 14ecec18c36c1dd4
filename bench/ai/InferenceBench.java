// Generation and prefill throughput of the trustdial-ai engine on generated ~100M-parameter GGUFs,
// shaped like llama-bench's `-p 128 -n 64` so the two can be compared on the same files.
// Run through bench/ai/run.sh (it builds the module and passes the classpath). Prints figures only;
// never part of the test run.
//   args: MODEL_DIR [TYPES=Q8_0,Q4_0,F32] [THREADS=1,2] [KERNELS=native,java]; a TYPES name that is no
//   tensor type (Q4_K_M) reads an existing MODEL_DIR/bench-llama-100m-NAME.gguf
//   -Dbench.reps=5 -Dbench.warmupSeconds=20 -Dbench.prompt=128 -Dbench.gen=64 -Dbench.json=FILE (appends one JSON line per row,
//   with wall-clock rates and rates per process CPU-second, which a busy shared machine skews less)
//   -Dbench.shape=100m|1b|8b picks the generated shape (BenchmarkModelGenerator.Spec.benchmark; files
//   MODEL_DIR/bench-llama-SHAPE-TYPE.gguf); -Dbench.depths=512,2048 also measures generation after a
//   prompt of that many tokens (llama-bench -d), timed from the first to the last streamed token, so
//   the long prefill is not part of the figure
//   -Dtrustdial.ai.benchmark.stepTimers=true also prints where generation time goes, step by step
//   (with -Dbench.prompt=1, so that the timed prefills are single tokens too)
//   -Dtrustdial.ai.benchmark.relaxedDeterminism=true runs the engine's relaxed baseline profile
//   (EngineOptions.Profile.RELAXED_BASELINE; run.sh also points -Dtrustdial.ai.nativeLib at the
//   bench build of the native library, which alone has the relaxed kernels)
import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

public class InferenceBench {
  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/trustdial-bench-models");
    String[] types = (args.length > 1 ? args[1] : "Q8_0,Q4_0,F32").split(",");
    String[] threadCounts = (args.length > 2 ? args[2] : "1,2").split(",");
    String[] kernelModes = (args.length > 3 ? args[3] : "native,java").split(",");
    int reps = Integer.getInteger("bench.reps", 5);
    double warmupSeconds = Double.parseDouble(System.getProperty("bench.warmupSeconds", "20"));
    int promptLen = Integer.getInteger("bench.prompt", 128);
    int genTokens = Integer.getInteger("bench.gen", 64);
    String json = System.getProperty("bench.json");
    String shape = System.getProperty("bench.shape", "100m");
    int[] depths = Arrays.stream(System.getProperty("bench.depths", "").split(","))
        .filter(d -> !d.isBlank()).mapToInt(Integer::parseInt).toArray();
    Files.createDirectories(dir);
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    boolean relaxed = Boolean.getBoolean("trustdial.ai.benchmark.relaxedDeterminism");
    StepTimers timers = Boolean.getBoolean("trustdial.ai.benchmark.stepTimers") ? new StepTimers() : null;
    String mode = relaxed ? "relaxed" : "determ.";
    System.out.printf("%-5s %-3s %-8s %-22s %9s %9s %9s %9s%n", "type", "thr", "mode", "kernels",
        "pp best", "pp median", "tg best", "tg median");
    for (String typeName : types) {
      Path file = dir.resolve("bench-llama-" + shape + "-" + typeName + ".gguf");
      if (!Files.exists(file)) {
        // only tensor types are generated; another name (Q4_K_M) needs the file, e.g. from llama-quantize
        TensorType type = TensorType.valueOf(typeName);
        System.out.printf("generating %s (%s, %s)%n", file, shape, type);
        BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.benchmark(shape, type), file);
      }
      for (String kernels : kernelModes) {
        for (String t : threadCounts) {
          int threads = Integer.parseInt(t);
          // One prefill step for the whole prompt, as llama-bench runs pp128 in one ubatch; the
          // chunk size changes no output bit (determinism.md), only the step count.
          EngineOptions options = new EngineOptions(threads, 1, Math.max(promptLen, 1), kernels.equals("native"));
          if (relaxed) {
            options = options.withProfile(EngineOptions.Profile.RELAXED_BASELINE);
          }
          if (timers != null) {
            options = options.withObserver(timers);
          }
          try (Engine e = Engine.load(file, options)) {
            // Warm-up (JIT, page cache) to a long-running server's steady state: prefills and short
            // generations for warmupSeconds (at least 3 rounds). With 3 rounds only, the first timed
            // reps still ran partly in C1 code at a third of the steady rate, and C2 compiling in the
            // background preempted one of the 2 compute threads (2-thread rates halved at random);
            // llama-bench warms once, having no JIT.
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int w = 0; w < 3 || System.nanoTime() < warmEnd; w++) {
              e.logits(prompt(promptLen, 900 + w % 90));
              e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 24, Set.of(), 0, false), TokenSink.discard());
            }
            double[] pp = new double[reps];
            double[] tg = new double[reps];
            double[] ppCpu = new double[reps];
            double[] tgCpu = new double[reps];
            long hits = e.prefixCacheHits();
            long timedNanos = 0;
            for (int rep = 0; rep < reps; rep++) {
              // A different first token each time: no prompt-prefix cache hit, a full prefill.
              int[] p = prompt(promptLen, rep);
              long p0 = System.nanoTime();
              long c0 = os.getProcessCpuTime();
              e.logits(p);
              pp[rep] = promptLen / ((System.nanoTime() - p0) / 1e9);
              ppCpu[rep] = promptLen / ((os.getProcessCpuTime() - c0) / 1e9);
              // Generation: (1-token prompt + N+1 tokens) minus (1-token prompt + 1 token), so the
              // first forward pass (prompt) is excluded, like llama-bench's tg which has no prompt.
              if (rep == 0 && timers != null) {
                timers.reset();
              }
              long g0 = System.nanoTime();
              long d0 = os.getProcessCpuTime();
              e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), genTokens + 1, Set.of(), 0, false), TokenSink.discard());
              long g1 = System.nanoTime();
              timedNanos += g1 - g0;
              long d1 = os.getProcessCpuTime();
              e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), 1, Set.of(), 0, false), TokenSink.discard());
              long g2 = System.nanoTime();
              long d2 = os.getProcessCpuTime();
              tg[rep] = genTokens / (((g1 - g0) - (g2 - g1)) / 1e9);
              tgCpu[rep] = genTokens / (((d1 - d0) - (d2 - d1)) / 1e9);
            }
            if (timers != null) {
              System.out.printf("generation steps, %s %d thread(s), %.1f us/token wall:%n%s", typeName, threads,
                  timedNanos / 1e3 / (reps * (genTokens + 1.0)), timers.report());
            }
            if (e.prefixCacheHits() != hits) {
              throw new IllegalStateException("a benchmark prefill hit the prompt-prefix cache");
            }
            System.out.printf("%-5s %-3d %-8s %-22s %9.1f %9.1f %9.2f %9.2f%n", typeName, threads, mode, e.kernelName(),
                max(pp), median(pp), max(tg), median(tg));
            if (json != null) {
              String line = String.format(
                  "{\"engine\":\"trustdial\",\"shape\":\"%s\",\"type\":\"%s\",\"threads\":%d,\"mode\":\"%s\",\"kernels\":\"%s\","
                      + "\"n_depth\":0,\"n_prompt\":%d,\"n_gen\":%d,\"pp_ts\":%s,\"tg_ts\":%s,\"pp_cpu_ts\":%s,\"tg_cpu_ts\":%s}%n",
                  shape, typeName, threads, relaxed ? "relaxed" : "deterministic", e.kernelName(), promptLen, genTokens,
                  list(pp), list(tg), list(ppCpu), list(tgCpu));
              Files.writeString(Path.of(json), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            for (int depth : depths) {
              double[] dtg = new double[reps];
              double[] dtgCpu = new double[reps];
              for (int rep = 0; rep < reps; rep++) {
                // A fresh prompt of `depth` tokens (no prefix-cache hit), then genTokens + 1 tokens;
                // timed from the first streamed token (the end of the prefill) to the last.
                long[] wall = new long[2];
                long[] cpu = new long[2];
                int[] seen = {0};
                e.generate(new GenerationRequest(prompt(depth, 500 + rep), SamplingParams.greedy(), genTokens + 1, Set.of(), 0, false),
                    (token, logprob) -> {
                      int k = seen[0]++ == 0 ? 0 : 1;
                      wall[k] = System.nanoTime();
                      cpu[k] = os.getProcessCpuTime();
                      return true;
                    });
                if (seen[0] != genTokens + 1) {
                  throw new IllegalStateException("generation at depth " + depth + " stopped after " + seen[0] + " tokens");
                }
                dtg[rep] = genTokens / ((wall[1] - wall[0]) / 1e9);
                dtgCpu[rep] = genTokens / ((cpu[1] - cpu[0]) / 1e9);
              }
              System.out.printf("%-5s %-3d %-8s %-22s generation after %d tokens: best %.2f, median %.2f tokens/s%n",
                  typeName, threads, mode, e.kernelName(), depth, max(dtg), median(dtg));
              if (json != null) {
                Files.writeString(Path.of(json), String.format(
                    "{\"engine\":\"trustdial\",\"shape\":\"%s\",\"type\":\"%s\",\"threads\":%d,\"mode\":\"%s\",\"kernels\":\"%s\","
                        + "\"n_depth\":%d,\"n_prompt\":0,\"n_gen\":%d,\"tg_ts\":%s,\"tg_cpu_ts\":%s}%n",
                    shape, typeName, threads, relaxed ? "relaxed" : "deterministic", e.kernelName(), depth, genTokens,
                    list(dtg), list(dtgCpu)), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              }
            }
          }
        }
      }
    }
  }

  private static int[] prompt(int len, int variant) {
    int[] p = new int[len];
    for (int i = 0; i < len; i++) {
      p[i] = 300 + (i * 37 + variant * 101) % 10000; // every vocabulary here has > 10300 tokens
    }
    p[0] = 3 + variant; // differs from every other prompt of the run (the decode runs start with 1)
    return p;
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String list(double[] v) {
    return Arrays.stream(v).mapToObj(d -> String.format("%.3f", d)).collect(Collectors.joining(",", "[", "]"));
  }
}
