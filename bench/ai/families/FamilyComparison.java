// Compares trustdial-ai with llama.cpp on the generated model of each family (bench/ai/families/run.sh):
// prompt token ids, then for every one of llama.cpp's greedy steps our logits with the same prefix
// (teacher forcing: top-1 agreement and max |Δlogit| over the whole vocabulary), and our own free-running
// greedy continuation against llama.cpp's (first disagreement and llama.cpp's top-2 margin there).
// Writes the Markdown table to stdout and the test vectors (top-3 logits per step) to VECTORS.json.
//   args: prompts DIR FAMILY...                        writes FAMILY-p0.txt (plain text) and FAMILY-p1.txt (a chat
//                                                      rendered with the model's template, leading BOS text removed)
//   args: DIR VECTORS.json LLAMA_CPP_COMMIT FAMILY...   (DIR holds FAMILY-TYPE.gguf and FAMILY-pN.{txt,tokens,logits})
import dev.trustdial.ai.chat.ChatMessage;
import dev.trustdial.ai.chat.ChatTemplate;
import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

public class FamilyComparison {
  /** Weight type of the compared files (FAMILY-TYPE.gguf); run.sh passes -Dfamilies.type, F32 by default. */
  static final String TYPE = System.getProperty("families.type", "F32");
  static final int TOP = 3;
  static final int VECTOR_STEPS = 128;

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    if (args[0].equals("prompts")) {
      writePrompts(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
      return;
    }
    Path dir = Path.of(args[0]);
    StringBuilder json = new StringBuilder("{\n  \"llama_cpp_commit\": \"" + args[2] + "\",\n  \"vector_steps\": "
        + VECTOR_STEPS + ",\n  \"top\": " + TOP + ",\n  \"models\": [");
    System.out.println("| family | prompt | prompt ids equal | top-1 agreement (teacher-forced) | largest llama.cpp "
        + "top-2 margin at a miss | max abs Δlogit | free-running greedy: first disagreement / llama.cpp top-2 margin there |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    int vectors = 0;
    for (int f = 3; f < args.length; f++) {
      String family = args[f];
      Path model = dir.resolve(family + "-" + TYPE + ".gguf");
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
      // llama.cpp runs llama-architecture files without a sliding window, so its Mistral outputs are no reference.
      boolean reference = !family.equals("mistral");
      StringBuilder entry = new StringBuilder();
      entry.append(vectors++ > 0 ? "," : "").append("\n    {\"family\": \"").append(family).append("\", \"sha256\": \"")
          .append(sha).append("\", \"prompts\": [");
      Tokenizer tok;
      try (GgufFile g = GgufFile.open(model)) {
        tok = Tokenizers.fromGguf(g);
      }
      try (Engine e = Engine.load(model, EngineOptions.defaults().withThreads(1))) {
        for (int p = 0; p < 2; p++) {
          List<String> lines = Files.readAllLines(dir.resolve(family + "-p" + p + ".tokens"));
          int[] refPrompt = ids(lines.get(0), "prompt");
          int[] refGreedy = ids(lines.get(1), "greedy");
          int vocab = e.info().vocabSize();
          float[] refLogits = floats(dir.resolve(family + "-p" + p + ".logits"));
          String text = Files.readString(dir.resolve(family + "-p" + p + ".txt"));
          int[] ours = tok.encode(text, true, true);
          boolean promptEqual = Arrays.equals(ours, refPrompt);
          int agree = 0;
          double maxDelta = 0;
          double missMargin = -1;
          int steps = refGreedy.length;
          entry.append(p > 0 ? "," : "").append("\n      {\"text\": ").append(quote(text)).append(", \"prompt_ids\": ")
              .append(Arrays.toString(refPrompt)).append(", \"greedy\": ").append(Arrays.toString(refGreedy))
              .append(", \"steps\": [");
          for (int s = 0; s < steps; s++) {
            int[] prefix = Arrays.copyOf(refPrompt, refPrompt.length + s);
            System.arraycopy(refGreedy, 0, prefix, refPrompt.length, s);
            float[] l = e.logits(prefix);
            float[] r = Arrays.copyOfRange(refLogits, s * vocab, (s + 1) * vocab);
            if (argmax(l) == argmax(r)) {
              agree++;
            } else {
              missMargin = Math.max(missMargin, margin(r));
            }
            for (int i = 0; i < vocab; i++) {
              maxDelta = Math.max(maxDelta, Math.abs(l[i] - r[i]));
            }
            if (s < VECTOR_STEPS) {
              entry.append(s > 0 ? "," : "").append("\n        [");
              int[] top = top(r, TOP);
              for (int k = 0; k < TOP; k++) {
                entry.append(k > 0 ? ", " : "").append("[").append(top[k]).append(", ").append(String.format("%.9g", r[top[k]])).append("]");
              }
              entry.append("]");
            }
          }
          entry.append("]}");
          int[] free = e.generate(new GenerationRequest(refPrompt, SamplingParams.greedy(), steps, Set.of(), 0),
              TokenSink.discard()).tokens();
          int first = -1;
          for (int s = 0; s < steps && first < 0; s++) {
            if (free[s] != refGreedy[s]) {
              first = s;
            }
          }
          String divergence = first < 0 ? "none in " + steps
              : "step " + first + " / " + String.format("%.2e", margin(Arrays.copyOfRange(refLogits, first * vocab, (first + 1) * vocab)));
          System.out.printf("| %s | p%d (%d ids) | %s | %d/%d | %s | %.2e | %s |%n", family, p, refPrompt.length,
              promptEqual ? "yes" : "NO", agree, steps, missMargin < 0 ? "-" : String.format("%.2e", missMargin),
              maxDelta, divergence);
        }
      }
      entry.append("]}");
      if (reference) {
        json.append(entry);
      } else {
        vectors--;
      }
    }
    json.append("\n  ]\n}\n");
    Files.writeString(Path.of(args[1]), json);
  }

  static void writePrompts(Path dir, String[] families) throws Exception {
    for (String family : families) {
      Path model = dir.resolve(family + "-" + TYPE + ".gguf");
      try (GgufFile g = GgufFile.open(model)) {
        Tokenizer tok = Tokenizers.fromGguf(g);
        int bos = tok.vocabulary().special().bos();
        String bosText = bos >= 0 ? tok.vocabulary().text(bos) : "";
        ChatTemplate template = ChatTemplate.fromGguf(g, bosText,
            tok.vocabulary().text(tok.vocabulary().special().eos()));
        String chat = template.render(List.of(ChatMessage.of("system", "You are terse."),
            ChatMessage.of("user", "Name three colours, then stop.")), true, List.of());
        if (!bosText.isEmpty() && chat.startsWith(bosText)) {
          chat = chat.substring(bosText.length()); // llama.cpp adds BOS itself (add_special)
        }
        Files.writeString(dir.resolve(family + "-p0.txt"), "hello world, the quick brown fox jumps over the lazy dog");
        Files.writeString(dir.resolve(family + "-p1.txt"), chat);
      }
    }
  }

  static int[] ids(String line, String label) {
    String[] parts = line.trim().split("\\s+");
    if (!parts[0].equals(label)) {
      throw new IllegalStateException("expected a '" + label + "' line, got " + line);
    }
    return Arrays.stream(parts, 1, parts.length).mapToInt(Integer::parseInt).toArray();
  }

  static float[] floats(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  static int[] top(float[] x, int k) {
    Integer[] idx = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> x[a] != x[b] ? Float.compare(x[b], x[a]) : Integer.compare(a, b));
    int[] out = new int[k];
    for (int i = 0; i < k; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  static double margin(float[] x) {
    int[] t = top(x, 2);
    return x[t[0]] - x[t[1]];
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
