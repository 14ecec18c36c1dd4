package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.TensorType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forked-JVM part of the determinism matrix: JIT tiers, vector widths, the scalar fallback
 * and thread/chunk settings must all print the same logits hashes and tokens.
 */
class DeterminismMatrixIT {
  @TempDir Path dir;

  @Test
  void everyJvmConfigurationGivesTheSameBits() throws Exception {
    Path qwen3 = dir.resolve("qwen3-q8.gguf");
    Path llamaQ4 = dir.resolve("llama-q4.gguf");
    Path qwen2F32 = dir.resolve("qwen2-f32.gguf");
    BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.tiny(Architecture.QWEN3, TensorType.Q8_0, 3), qwen3);
    BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.tiny(Architecture.LLAMA, TensorType.Q4_0, 4), llamaQ4);
    BenchmarkModelGenerator.write(BenchmarkModelGenerator.Spec.tiny(Architecture.QWEN2, TensorType.F32, 5), qwen2F32);
    List<String> models = List.of(BundledModels.storiesGguf().toString(), qwen3.toString(), llamaQ4.toString(),
        qwen2F32.toString());
    String vector = "--add-modules=jdk.incubator.vector";
    Map<String, List<String>> configs = new LinkedHashMap<>();
    configs.put("default C2, 1 thread, chunk 64", List.of(vector, "1", "64", "false"));
    configs.put("default C2, 2 threads, chunk 7, native if built", List.of(vector, "2", "7", "true"));
    configs.put("-Xint, chunk 1", List.of(vector, "-Xint", "1", "1", "false"));
    configs.put("C1 only", List.of(vector, "-XX:TieredStopAtLevel=1", "2", "64", "false"));
    configs.put("UseAVX=2", List.of(vector, "-XX:UseAVX=2", "1", "7", "false"));
    configs.put("MaxVectorSize=16", List.of(vector, "-XX:MaxVectorSize=16", "2", "64", "false"));
    configs.put("no Vector API (scalar Java)", List.of("-Xshare:auto", "1", "64", "false"));
    // The kernels each configuration must have picked, so the flags are known to have taken effect.
    Map<String, String> kernels = Map.of("UseAVX=2", "java-vector-256", "MaxVectorSize=16", "java-vector-128",
        "no Vector API (scalar Java)", "java-scalar");
    Map<String, List<String>> outputs = new LinkedHashMap<>();
    for (var e : configs.entrySet()) {
      List<String> raw = run(e.getValue(), models);
      if (kernels.containsKey(e.getKey())) {
        assertThat(raw).as(e.getKey()).allMatch(l -> l.endsWith("kernels=" + kernels.get(e.getKey())));
      }
      outputs.put(e.getKey(), raw.stream().map(l -> l.replaceFirst(" kernels=.*", "")).toList());
    }
    List<String> reference = outputs.values().iterator().next();
    assertThat(reference).hasSize(models.size());
    for (var e : outputs.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).containsExactlyElementsOf(reference);
    }
  }

  /** Runs LogitsProbe in a child JVM; returns its probe lines. */
  private List<String> run(List<String> config, List<String> models) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    int jvmFlags = config.size() - 3;
    cmd.addAll(config.subList(0, jvmFlags));
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        LogitsProbe.class.getName()));
    cmd.addAll(config.subList(jvmFlags, config.size()));
    cmd.addAll(models);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s\n%s", cmd.subList(0, jvmFlags + 1), out).isZero();
    return out.lines().filter(l -> l.startsWith("probe ")).toList();
  }
}
