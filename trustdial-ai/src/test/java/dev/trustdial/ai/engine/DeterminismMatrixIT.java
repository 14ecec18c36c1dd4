package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Family;
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
 * The forked-JVM part of the determinism matrix: JIT tiers, vector widths, the scalar fallback and
 * thread/chunk settings must all print the same logits hashes and tokens.
 */
class DeterminismMatrixIT {
  @TempDir Path dir;

  @Test
  void everyJvmConfigurationGivesTheSameBits() throws Exception {
    Path qwen3 = dir.resolve("qwen3-q8.gguf");
    Path llamaQ4 = dir.resolve("llama-q4.gguf");
    Path qwen2F32 = dir.resolve("qwen2-f32.gguf");
    Path gemma2Q8 = dir.resolve("gemma2-q8.gguf");
    Path phi3Q4 = dir.resolve("phi3-q4.gguf");
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Architecture.QWEN3, TensorType.Q8_0, 3), qwen3);
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Architecture.LLAMA, TensorType.Q4_0, 4), llamaQ4);
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Architecture.QWEN2, TensorType.F32, 5), qwen2F32);
    // Model families (issue #20): GeGLU, soft-capping (StrictMath.tanh), sliding window; fused QKV,
    // partial rotary.
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Family.GEMMA2, TensorType.Q8_0, 6), gemma2Q8);
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Family.PHI3, TensorType.Q4_0, 7), phi3Q4);
    List<String> models =
        List.of(
            BundledModels.storiesGguf().toString(),
            qwen3.toString(),
            llamaQ4.toString(),
            qwen2F32.toString(),
            gemma2Q8.toString(),
            phi3Q4.toString());
    String vector = "--add-modules=jdk.incubator.vector";
    List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
    // name -> (JVM flags..., threads, prefill chunk, native kernels) and the models it runs.
    record Config(List<String> args, List<Integer> models) {}
    Map<String, Config> configs = new LinkedHashMap<>();
    configs.put(
        "C2, 2 threads, chunk 7, native if built",
        new Config(List.of(vector, "2", "7", "true"), all));
    configs.put(
        "C2, 1 thread, chunk 64, Java kernels",
        new Config(List.of(vector, "1", "64", "false"), all));
    // The interpreter runs Vector API code very slowly: the vector path under -Xint gets the F32
    // model, the scalar path under -Xint gets the quantized ones.
    configs.put(
        "-Xint, Vector API", new Config(List.of(vector, "-Xint", "1", "1", "false"), List.of(0)));
    configs.put(
        "-Xint, scalar Java", new Config(List.of("-Xint", "1", "3", "false"), List.of(1, 2, 4)));
    configs.put(
        "C1 only", new Config(List.of(vector, "-XX:TieredStopAtLevel=1", "2", "64", "false"), all));
    configs.put("UseAVX=2", new Config(List.of(vector, "-XX:UseAVX=2", "1", "7", "false"), all));
    configs.put(
        "MaxVectorSize=16",
        new Config(List.of(vector, "-XX:MaxVectorSize=16", "2", "64", "false"), all));
    configs.put(
        "no Vector API (scalar Java)",
        new Config(List.of("-Xshare:auto", "1", "64", "false"), all));
    // The kernels each configuration must have picked, so the flags are known to have taken effect.
    Map<String, String> kernels =
        Map.of(
            "UseAVX=2",
            "java-vector-256",
            "MaxVectorSize=16",
            "java-vector-128",
            "no Vector API (scalar Java)",
            "java-scalar",
            "-Xint, scalar Java",
            "java-scalar");
    List<String> reference = null;
    for (var e : configs.entrySet()) {
      List<String> paths = e.getValue().models().stream().map(models::get).toList();
      List<String> raw = run(e.getValue().args(), paths);
      assertThat(raw).as(e.getKey()).hasSize(paths.size());
      if (kernels.containsKey(e.getKey())) {
        assertThat(raw)
            .as(e.getKey())
            .allMatch(l -> l.endsWith("kernels=" + kernels.get(e.getKey())));
      }
      List<String> bits = raw.stream().map(l -> l.replaceFirst(" kernels=.*", "")).toList();
      if (reference == null) {
        reference = bits;
        continue;
      }
      List<String> expected = e.getValue().models().stream().map(reference::get).toList();
      assertThat(bits).as(e.getKey()).containsExactlyElementsOf(expected);
    }
  }

  /** Runs LogitsProbe in a child JVM; returns its probe lines. */
  private List<String> run(List<String> config, List<String> models)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    int jvmFlags = config.size() - 3;
    cmd.addAll(config.subList(0, jvmFlags));
    cmd.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
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
