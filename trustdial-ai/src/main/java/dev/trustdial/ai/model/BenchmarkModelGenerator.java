package dev.trustdial.ai.model;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.gguf.GgmlType;
import dev.trustdial.ai.gguf.GgufWriter;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes seeded random-weight models as real GGUF files (llama with a SentencePiece vocabulary,
 * qwen2/qwen3 with a GPT-2 byte-level vocabulary and ChatML template), so tests and benchmarks can
 * use models larger than stories260K without downloads. Same spec and seed, same bytes.
 */
public final class BenchmarkModelGenerator {
  /** What to generate. {@code weightType} applies to the 2-D matrices; norms and biases stay F32. */
  public record Spec(Architecture architecture, int dim, int hiddenDim, int layers, int heads, int kvHeads,
      int headDim, int vocabSize, int contextLength, TensorType weightType, long seed) {
    public Spec {
      if (vocabSize < 300) {
        throw new InvalidInputException("generated vocabularies need at least 300 tokens, got " + vocabSize);
      }
      new ModelConfig("check", architecture, dim, hiddenDim, layers, heads, kvHeads, headDim, vocabSize,
          contextLength, 10000f, 1e-5f);
    }

    /** About 100M parameters (dim 768, 12 layers, GQA 12/4, ffn 2048, vocab 16384, untied output). */
    public static Spec hundredMillion(Architecture arch, TensorType type) {
      return new Spec(arch, 768, 2048, 12, 12, 4, 64, 16384, 2048, type, 1);
    }

    /** A tiny model for tests (dim 64, 2 layers). */
    public static Spec tiny(Architecture arch, TensorType type, long seed) {
      int headDim = arch == Architecture.QWEN3 ? 32 : 16; // qwen3: q dim 128 != model dim 64
      return new Spec(arch, 64, 160, 2, 4, 2, headDim, 320, 256, type, seed);
    }

    /**
     * A small model (1.3M parameters) whose every matrix row is whole 256-element blocks, so
     * llama.cpp's llama-quantize can make real Q4_K/Q6_K files from its F32 form (it falls back to
     * other types for rows that are not): the K-quant reference vectors are made from these.
     */
    public static Spec kQuantReference(Architecture arch, TensorType type, long seed) {
      return new Spec(arch, 256, 512, 2, 4, 2, 64, 320, 256, type, seed);
    }
  }

  private BenchmarkModelGenerator() {}

  public static void write(Spec spec, Path file) {
    build(spec).write(file);
  }

  static GgufWriter build(Spec s) {
    SplittableRandom rnd = new SplittableRandom(s.seed());
    String arch = s.architecture().ggufName();
    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", arch);
    w.putString("general.name", "trustdial-bench-" + arch + "-" + s.weightType().name().toLowerCase() + "-seed" + s.seed());
    w.putUint32(arch + ".context_length", s.contextLength());
    w.putUint32(arch + ".embedding_length", s.dim());
    w.putUint32(arch + ".feed_forward_length", s.hiddenDim());
    w.putUint32(arch + ".block_count", s.layers());
    w.putUint32(arch + ".attention.head_count", s.heads());
    w.putUint32(arch + ".attention.head_count_kv", s.kvHeads());
    w.putUint32(arch + ".attention.key_length", s.headDim());
    w.putUint32(arch + ".attention.value_length", s.headDim());
    w.putFloat32(arch + ".rope.freq_base", s.architecture() == Architecture.LLAMA ? 10000f : 1000000f);
    w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-5f);
    putVocabulary(w, s, rnd.split());
    int qDim = s.heads() * s.headDim();
    int kvDim = s.kvHeads() * s.headDim();
    boolean tied = s.architecture() != Architecture.LLAMA;
    w.addTensor(matrix("token_embd.weight", s.vocabSize(), s.dim(), s.weightType(), rnd, 1.0));
    for (int l = 0; l < s.layers(); l++) {
      String b = "blk." + l + ".";
      w.addTensor(norm(b + "attn_norm.weight", s.dim(), rnd));
      w.addTensor(matrix(b + "attn_q.weight", qDim, s.dim(), s.weightType(), rnd, 1.0));
      w.addTensor(matrix(b + "attn_k.weight", kvDim, s.dim(), s.weightType(), rnd, 1.0));
      w.addTensor(matrix(b + "attn_v.weight", kvDim, s.dim(), s.weightType(), rnd, 1.0));
      if (s.architecture() == Architecture.QWEN2) {
        w.addTensor(vector(b + "attn_q.bias", qDim, rnd, 0.0, 0.1));
        w.addTensor(vector(b + "attn_k.bias", kvDim, rnd, 0.0, 0.1));
        w.addTensor(vector(b + "attn_v.bias", kvDim, rnd, 0.0, 0.1));
      }
      if (s.architecture() == Architecture.QWEN3) {
        w.addTensor(norm(b + "attn_q_norm.weight", s.headDim(), rnd));
        w.addTensor(norm(b + "attn_k_norm.weight", s.headDim(), rnd));
      }
      w.addTensor(matrix(b + "attn_output.weight", s.dim(), qDim, s.weightType(), rnd, 1.0));
      w.addTensor(norm(b + "ffn_norm.weight", s.dim(), rnd));
      w.addTensor(matrix(b + "ffn_gate.weight", s.hiddenDim(), s.dim(), s.weightType(), rnd, 1.0));
      w.addTensor(matrix(b + "ffn_up.weight", s.hiddenDim(), s.dim(), s.weightType(), rnd, 1.0));
      w.addTensor(matrix(b + "ffn_down.weight", s.dim(), s.hiddenDim(), s.weightType(), rnd, 1.0));
    }
    w.addTensor(norm("output_norm.weight", s.dim(), rnd));
    if (!tied) {
      w.addTensor(matrix("output.weight", s.vocabSize(), s.dim(), s.weightType(), rnd, 1.0));
    }
    return w;
  }

  /** Gaussian weights scaled by gain/sqrt(cols), so activations keep unit scale through the layers. */
  private static GgufWriter.Tensor matrix(String name, int rows, int cols, TensorType type, SplittableRandom rnd, double gain) {
    float[] x = new float[Math.multiplyExact(rows, cols)];
    double scale = gain / Math.sqrt(cols);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (gaussian(rnd) * scale);
    }
    return new GgufWriter.Tensor(name, new long[] {cols, rows}, ggml(type), WeightQuantizer.encode(x, type));
  }

  private static GgufWriter.Tensor norm(String name, int n, SplittableRandom rnd) {
    return vector(name, n, rnd, 1.0, 0.1);
  }

  private static GgufWriter.Tensor vector(String name, int n, SplittableRandom rnd, double mean, double sd) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (mean + sd * gaussian(rnd));
    }
    return new GgufWriter.Tensor(name, new long[] {n}, GgmlType.F32, WeightQuantizer.encode(x, TensorType.F32));
  }

  /** Box-Muller from SplittableRandom (java.util.Random's gaussian is not specified across versions for streams). */
  private static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  private static GgmlType ggml(TensorType t) {
    for (GgmlType g : GgmlType.values()) {
      if (g.id() == t.ggmlId()) {
        return g;
      }
    }
    throw new IllegalStateException("no GGML type for " + t);
  }

  private static void putVocabulary(GgufWriter w, Spec s, SplittableRandom rnd) {
    if (s.architecture() == Architecture.LLAMA) {
      putSentencePieceVocabulary(w, s.vocabSize());
    } else {
      putByteLevelVocabulary(w, s.vocabSize(), rnd);
    }
  }

  /** llama: <unk>, <s>, </s>, 256 byte pieces, then unique letter pieces with falling scores. */
  private static void putSentencePieceVocabulary(GgufWriter w, int vocab) {
    List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    float[] scores = new float[vocab];
    int[] types = new int[vocab];
    types[0] = 2;
    types[1] = 3;
    types[2] = 3;
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
      types[3 + b] = 6;
    }
    for (int k = 0; tokens.size() < vocab; k++) {
      String word = letters(k / 2);
      tokens.add(k % 2 == 0 ? "\u2581" + word : word);
      scores[tokens.size() - 1] = -k;
      types[tokens.size() - 1] = 1;
    }
    w.putString("tokenizer.ggml.model", "llama");
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putFloats("tokenizer.ggml.scores", scores);
    w.putInt32s("tokenizer.ggml.token_type", types);
    w.putUint32("tokenizer.ggml.bos_token_id", 1);
    w.putUint32("tokenizer.ggml.eos_token_id", 2);
    w.putUint32("tokenizer.ggml.unknown_token_id", 0);
  }

  /** qwen: the 256 GPT-2 byte symbols, merges of earlier tokens, then ChatML control tokens. */
  private static void putByteLevelVocabulary(GgufWriter w, int vocab, SplittableRandom rnd) {
    List<String> tokens = new ArrayList<>(byteSymbols());
    Set<String> seen = new HashSet<>(tokens);
    List<String> merges = new ArrayList<>();
    List<String> specials = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    int letters = 0;
    for (String t : tokens) {
      letters += Character.isLetter(t.charAt(0)) ? 1 : 0;
    }
    while (tokens.size() < vocab - specials.size()) {
      // Merge two earlier tokens, biased to letters and short tokens so merges form word pieces.
      String a = tokens.get(pickMergeable(tokens, rnd));
      String b = tokens.get(pickMergeable(tokens, rnd));
      String merged = a + b;
      if (merged.length() <= 8 && seen.add(merged)) {
        tokens.add(merged);
        merges.add(a + " " + b);
      }
    }
    int[] types = new int[vocab];
    java.util.Arrays.fill(types, 1);
    for (String sp : specials) {
      types[tokens.size()] = 3;
      tokens.add(sp);
    }
    Invariant.check(tokens.size() == vocab && letters > 0, "the generated vocabulary has " + vocab + " tokens");
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", "qwen2");
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putInt32s("tokenizer.ggml.token_type", types);
    w.putStrings("tokenizer.ggml.merges", merges);
    w.putUint32("tokenizer.ggml.bos_token_id", vocab - 3);
    w.putUint32("tokenizer.ggml.eos_token_id", vocab - 1);
    w.putUint32("tokenizer.ggml.padding_token_id", vocab - 3);
    w.putString("tokenizer.chat_template",
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
  }

  private static int pickMergeable(List<String> tokens, SplittableRandom rnd) {
    int lowercase = 26;
    int start = 'a' - '!'; // index of 'a' among the byte symbols, which start at '!'
    // Before the first merge there is no merged token to pick (seeds that reached this used to fail).
    boolean letter = rnd.nextInt(4) != 0 || tokens.size() == 256;
    return letter ? start + rnd.nextInt(lowercase) : 256 + rnd.nextInt(tokens.size() - 256);
  }

  /** GPT-2's byte-to-unicode table: printable Latin-1 maps to itself, other bytes to U+0100 onwards. */
  static List<String> byteSymbols() {
    Map<Integer, String> map = new LinkedHashMap<>();
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (printable) {
        map.put(b, String.valueOf((char) b));
      }
    }
    for (int b = 0; b < 256; b++) {
      if (!map.containsKey(b)) {
        map.put(b, String.valueOf((char) (256 + next++)));
      }
    }
    // Order tokens by the printable-first convention of GPT-2 vocabularies.
    List<String> out = new ArrayList<>(map.values());
    return out;
  }

  private static String letters(int k) {
    StringBuilder sb = new StringBuilder();
    do {
      sb.append((char) ('a' + k % 26));
      k = k / 26 - 1;
    } while (k >= 0);
    return sb.reverse().toString();
  }

  /** {@code java ... BenchmarkModelGenerator ARCH TYPE OUT.gguf [tiny|100m] [seed]} */
  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: BenchmarkModelGenerator llama|qwen2|qwen3 F32|Q8_0|Q4_0 OUT.gguf [tiny|kref|100m] [seed]");
      System.exit(2);
    }
    Architecture arch = Architecture.fromGguf(args[0]);
    TensorType type = TensorType.valueOf(args[1]);
    String size = args.length > 3 ? args[3] : "100m";
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    Spec spec = switch (size) {
      case "tiny" -> Spec.tiny(arch, type, seed);
      case "kref" -> Spec.kQuantReference(arch, type, seed);
      case "100m" -> Spec.hundredMillion(arch, type);
      default -> {
        System.err.println("size must be tiny, kref or 100m, got " + size);
        System.exit(2);
        yield null;
      }
    };
    write(spec, Path.of(args[2]));
    System.out.println("wrote " + args[2]);
  }
}
