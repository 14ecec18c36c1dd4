// Ratio table: trustdial-ai vs llama.cpp on the same GGUF files and thread counts, and the
// determinism cost (deterministic vs relaxed engine). Reads the JSONL that InferenceBench
// (-Dbench.json) and llama-bench (-o jsonl) wrote. Run through bench/ai/run.sh.
//   args: TRUSTDIAL.jsonl [LLAMA_BENCH.jsonl]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LlamaCppComparison {
  /** Best and median tokens/s over every sample of a measurement, pooled across runs (rounds). */
  record Rate(double best, double median, int n) {
    static Rate of(List<Double> samples) {
      double[] v = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Rate(v[v.length - 1], med, v.length);
    }

    String show() {
      return String.format("%.1f / %.1f", best, median);
    }
  }

  record Row(Rate pp, Rate tg) {}

  /** Samples per key, in file order; a key seen in several runs pools their samples. */
  static final class Pool {
    final Map<String, List<Double>> samples = new LinkedHashMap<>();

    void add(String key, JsonNode values) {
      List<Double> list = samples.computeIfAbsent(key, k -> new ArrayList<>());
      values.forEach(v -> list.add(v.asDouble()));
    }

    Rate rate(String key) {
      List<Double> v = samples.get(key);
      return v == null ? null : Rate.of(v);
    }
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    ObjectMapper json = new ObjectMapper();
    Pool ourPp = new Pool();
    Pool ourTg = new Pool();
    Pool relaxedPp = new Pool();
    Pool relaxedTg = new Pool();
    Pool ourDepth = new Pool();
    Pool relaxedDepth = new Pool();
    Pool llamaDepth = new Pool();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      String key = n.path("shape").asText("100m") + " " + n.get("type").asText() + " t" + n.get("threads").asInt();
      boolean isRelaxed = n.get("mode").asText().equals("relaxed");
      int depth = n.path("n_depth").asInt(0);
      if (depth > 0) {
        (isRelaxed ? relaxedDepth : ourDepth).add(key + " d" + depth, n.get("tg_ts"));
        continue;
      }
      (isRelaxed ? relaxedPp : ourPp).add(key, n.get("pp_ts"));
      (isRelaxed ? relaxedTg : ourTg).add(key, n.get("tg_ts"));
    }
    Map<String, Row> ours = new LinkedHashMap<>();
    Map<String, Row> relaxed = new LinkedHashMap<>();
    for (String key : ourPp.samples.keySet()) {
      ours.put(key, new Row(ourPp.rate(key), ourTg.rate(key)));
      if (relaxedPp.samples.containsKey(key)) {
        relaxed.put(key, new Row(relaxedPp.rate(key), relaxedTg.rate(key)));
      }
    }
    Pool llamaPpPool = new Pool();
    Pool llamaTgPool = new Pool();
    if (args.length > 1) {
      Pattern type = Pattern.compile("bench-llama-([0-9a-z]+)-([A-Z0-9_]+)\\.gguf$");
      for (String line : Files.readAllLines(Path.of(args[1]))) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonNode n = json.readTree(line);
        Matcher m = type.matcher(n.get("model_filename").asText());
        if (!m.find()) {
          continue;
        }
        String key = m.group(1) + " " + m.group(2) + " t" + n.get("n_threads").asInt();
        int depth = n.path("n_depth").asInt(0);
        if (depth > 0) {
          if (n.get("n_gen").asInt() > 0) {
            llamaDepth.add(key + " d" + depth, n.get("samples_ts"));
          }
          continue;
        }
        (n.get("n_prompt").asInt() > 0 ? llamaPpPool : llamaTgPool).add(key, n.get("samples_ts"));
      }
    }
    Map<String, Rate> llamaPp = new LinkedHashMap<>();
    Map<String, Rate> llamaTg = new LinkedHashMap<>();
    llamaPpPool.samples.keySet().forEach(k -> llamaPp.put(k, llamaPpPool.rate(k)));
    llamaTgPool.samples.keySet().forEach(k -> llamaTg.put(k, llamaTgPool.rate(k)));
    ours.values().stream().findFirst().ifPresent(r -> System.out.printf("samples per figure: %d (all runs pooled)%n", r.tg().n()));
    System.out.println("tokens/s as best / median; ratio = trustdial / llama.cpp of the medians (and of the bests)");
    if (!llamaPp.isEmpty()) {
      System.out.println();
      System.out.println("| shape | model | threads | llama.cpp pp128 | trustdial prefill | prefill ratio | llama.cpp tg64 | trustdial generation | generation ratio |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      for (var e : ours.entrySet()) {
        Rate lp = llamaPp.get(e.getKey());
        Rate lt = llamaTg.get(e.getKey());
        if (lp == null || lt == null) {
          continue;
        }
        String[] k = e.getKey().split(" t| ");
        System.out.printf("| %s | %s | %s | %s | %s | %.2fx (%.2fx) | %s | %s | %.2fx (%.2fx) |%n", k[0], k[1], k[2],
            lp.show(), e.getValue().pp().show(), e.getValue().pp().median() / lp.median(), e.getValue().pp().best() / lp.best(),
            lt.show(), e.getValue().tg().show(), e.getValue().tg().median() / lt.median(), e.getValue().tg().best() / lt.best());
      }
    }
    List<String> cost = new ArrayList<>();
    for (var e : ours.entrySet()) {
      Row r = relaxed.get(e.getKey());
      if (r != null) {
        String[] k = e.getKey().split(" t| ");
        cost.add(String.format("| %s | %s | %s | %s | %s | %+.1f%% (%+.1f%%) | %s | %s | %+.1f%% (%+.1f%%) |", k[0], k[1], k[2],
            r.pp().show(), e.getValue().pp().show(), 100 * (r.pp().median() / e.getValue().pp().median() - 1),
            100 * (r.pp().best() / e.getValue().pp().best() - 1),
            r.tg().show(), e.getValue().tg().show(), 100 * (r.tg().median() / e.getValue().tg().median() - 1),
            100 * (r.tg().best() / e.getValue().tg().best() - 1)));
      }
    }
    if (!cost.isEmpty()) {
      System.out.println();
      System.out.println("Determinism cost = relaxed / deterministic − 1 (positive: the rules cost that much), median (best)");
      System.out.println();
      System.out.println("| shape | model | threads | relaxed prefill | deterministic prefill | prefill cost | relaxed generation | deterministic generation | generation cost |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      cost.forEach(System.out::println);
    }
    if (!ourDepth.samples.isEmpty()) {
      System.out.println();
      System.out.println("Generation (tg64) after a prompt of the given depth; ratio = trustdial / llama.cpp of the medians (bests); cost = relaxed / deterministic − 1");
      System.out.println();
      System.out.println("| shape | model | threads | depth | llama.cpp | trustdial | ratio | relaxed | determinism cost |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      for (String key : ourDepth.samples.keySet()) {
        String[] k = key.split(" t| d| ");
        Rate ourRate = ourDepth.rate(key);
        Rate llama = llamaDepth.rate(key);
        Rate rel = relaxedDepth.rate(key);
        System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", k[0], k[1], k[2], k[3],
            llama == null ? "–" : llama.show(), ourRate.show(),
            llama == null ? "–" : String.format("%.2fx (%.2fx)", ourRate.median() / llama.median(), ourRate.best() / llama.best()),
            rel == null ? "–" : rel.show(),
            rel == null ? "–" : String.format("%+.1f%%", 100 * (rel.median() / ourRate.median() - 1)));
      }
    }
  }
}
