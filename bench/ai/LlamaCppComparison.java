// Ratio table: trustdial-ai vs llama.cpp on the same GGUF files and thread counts, and the
// determinism cost (deterministic vs relaxed engine). Reads the JSONL that InferenceBench
// (-Dbench.json) and llama-bench (-o jsonl) wrote. Run through bench/ai/run.sh.
//   args: TRUSTDIAL.jsonl [LLAMA_BENCH.jsonl]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LlamaCppComparison {
  /** Best and median tokens/s of one measurement. */
  record Rate(double best, double median) {
    static Rate of(JsonNode samples) {
      double[] v = new double[samples.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = samples.get(i).asDouble();
      }
      Arrays.sort(v);
      double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Rate(v[v.length - 1], med);
    }

    String show() {
      return String.format("%.1f / %.1f", best, median);
    }
  }

  /** Wall-clock rates, and rates per process CPU-second where the bench wrote them (else null). */
  record Row(Rate pp, Rate tg, Rate ppCpu, Rate tgCpu) {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    ObjectMapper json = new ObjectMapper();
    Map<String, Row> ours = new LinkedHashMap<>();
    Map<String, Row> relaxed = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      String key = n.get("type").asText() + " t" + n.get("threads").asInt();
      Row row = new Row(Rate.of(n.get("pp_ts")), Rate.of(n.get("tg_ts")),
          n.has("pp_cpu_ts") ? Rate.of(n.get("pp_cpu_ts")) : null, n.has("tg_cpu_ts") ? Rate.of(n.get("tg_cpu_ts")) : null);
      (n.get("mode").asText().equals("relaxed") ? relaxed : ours).put(key, row);
    }
    Map<String, Rate> llamaPp = new LinkedHashMap<>();
    Map<String, Rate> llamaTg = new LinkedHashMap<>();
    if (args.length > 1) {
      Pattern type = Pattern.compile("100m-([A-Z0-9_]+)\\.gguf$");
      for (String line : Files.readAllLines(Path.of(args[1]))) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonNode n = json.readTree(line);
        Matcher m = type.matcher(n.get("model_filename").asText());
        if (!m.find()) {
          continue;
        }
        String key = m.group(1) + " t" + n.get("n_threads").asInt();
        (n.get("n_prompt").asInt() > 0 ? llamaPp : llamaTg).put(key, Rate.of(n.get("samples_ts")));
      }
    }
    System.out.println("tokens/s as best / median; ratio = trustdial / llama.cpp of the medians (and of the bests)");
    if (!llamaPp.isEmpty()) {
      System.out.println();
      System.out.println("| model | threads | llama.cpp pp128 | trustdial prefill | prefill ratio | llama.cpp tg64 | trustdial generation | generation ratio |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
      for (var e : ours.entrySet()) {
        Rate lp = llamaPp.get(e.getKey());
        Rate lt = llamaTg.get(e.getKey());
        if (lp == null || lt == null) {
          continue;
        }
        String[] k = e.getKey().split(" t");
        System.out.printf("| %s | %s | %s | %s | %.2fx (%.2fx) | %s | %s | %.2fx (%.2fx) |%n", k[0], k[1],
            lp.show(), e.getValue().pp().show(), e.getValue().pp().median() / lp.median(), e.getValue().pp().best() / lp.best(),
            lt.show(), e.getValue().tg().show(), e.getValue().tg().median() / lt.median(), e.getValue().tg().best() / lt.best());
      }
    }
    List<String> cost = new ArrayList<>();
    for (var e : ours.entrySet()) {
      Row r = relaxed.get(e.getKey());
      if (r != null) {
        String[] k = e.getKey().split(" t");
        cost.add(String.format("| %s | %s | %s | %s | %+.1f%% (%+.1f%%) | %s | %s | %+.1f%% (%+.1f%%) |", k[0], k[1],
            r.pp().show(), e.getValue().pp().show(), 100 * (r.pp().median() / e.getValue().pp().median() - 1),
            100 * (r.pp().best() / e.getValue().pp().best() - 1),
            r.tg().show(), e.getValue().tg().show(), 100 * (r.tg().median() / e.getValue().tg().median() - 1),
            100 * (r.tg().best() / e.getValue().tg().best() - 1)));
      }
    }
    List<String> cpuCost = new ArrayList<>();
    for (var e : ours.entrySet()) {
      Row r = relaxed.get(e.getKey());
      Row d = e.getValue();
      if (r != null && r.ppCpu() != null && d.ppCpu() != null) {
        String[] k = e.getKey().split(" t");
        cpuCost.add(String.format("| %s | %s | %.1f | %.1f | %+.1f%% | %.1f | %.1f | %+.1f%% |", k[0], k[1],
            r.ppCpu().best(), d.ppCpu().best(), 100 * (r.ppCpu().best() / d.ppCpu().best() - 1),
            r.tgCpu().best(), d.tgCpu().best(), 100 * (r.tgCpu().best() / d.tgCpu().best() - 1)));
      }
    }
    if (!cpuCost.isEmpty()) {
      System.out.println();
      System.out.println("Determinism cost per process CPU-second (best of the runs; time lost to other processes excluded)");
      System.out.println();
      System.out.println("| model | threads | relaxed prefill/cpu-s | deterministic prefill/cpu-s | cost | relaxed generation/cpu-s | deterministic generation/cpu-s | cost |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
      cpuCost.forEach(System.out::println);
    }
    if (!cost.isEmpty()) {
      System.out.println();
      System.out.println("Determinism cost = relaxed / deterministic − 1 (positive: the rules cost that much), median (best)");
      System.out.println();
      System.out.println("| model | threads | relaxed prefill | deterministic prefill | prefill cost | relaxed generation | deterministic generation | generation cost |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
      cost.forEach(System.out::println);
    }
  }
}
