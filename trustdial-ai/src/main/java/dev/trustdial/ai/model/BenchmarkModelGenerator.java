package dev.trustdial.ai.model;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.chat.ChatTemplates;
import dev.trustdial.ai.gguf.GgmlType;
import dev.trustdial.ai.gguf.GgufValue;
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
 * Writes seeded random-weight models as real GGUF files in each supported family's tensor layout
 * and metadata keys (llama.cpp's names), with that family's tokenizer kind and chat template, so
 * tests and benchmarks can use models larger than stories260K without downloads. Same spec and
 * seed, same bytes.
 */
public final class BenchmarkModelGenerator {
  /**
   * The model families the generator can write. Several share a GGUF architecture: Llama 2, Llama 3
   * and Mistral are all {@code llama}, told apart by their tokenizer, RoPE factors and window.
   */
  public enum Family {
    /**
     * SentencePiece vocabulary, no chat template (the layout of the benchmark and reference
     * models).
     */
    LLAMA2(Architecture.LLAMA, "llama"),
    /**
     * Byte-level BPE with the llama-bpe pre-tokenizer, rope_freqs (Llama 3.1 scaling), Llama 3
     * template.
     */
    LLAMA3(Architecture.LLAMA, "llama3"),
    /**
     * SentencePiece, sliding-window attention ({@code llama.attention.sliding_window}), [INST]
     * template.
     */
    MISTRAL(Architecture.LLAMA, "mistral"),
    QWEN2(Architecture.QWEN2, "qwen2"),
    QWEN3(Architecture.QWEN3, "qwen3"),
    /** Fused attn_qkv and gate/up, partial rotary, SentencePiece with Phi-3's chat tokens. */
    PHI3(Architecture.PHI3, "phi3"),
    /** GeGLU, post-norms, soft-capping, sliding window on even layers, Gemma chat tokens. */
    GEMMA2(Architecture.GEMMA2, "gemma2"),
    /**
     * As Gemma 2 without soft-capping, with QK-norm, 5 sliding layers to 1 global, linear RoPE
     * scaling.
     */
    GEMMA3(Architecture.GEMMA3, "gemma3");

    private final Architecture architecture;
    private final String label;

    Family(Architecture architecture, String label) {
      this.architecture = architecture;
      this.label = label;
    }

    public Architecture architecture() {
      return architecture;
    }

    public String label() {
      return label;
    }

    /** The family an architecture name means on its own ({@code llama}: Llama 2's layout). */
    public static Family of(Architecture arch) {
      return switch (arch) {
        case LLAMA -> LLAMA2;
        case QWEN2 -> QWEN2;
        case QWEN3 -> QWEN3;
        case PHI3 -> PHI3;
        case GEMMA2 -> GEMMA2;
        case GEMMA3 -> GEMMA3;
      };
    }

    /** By label (llama, llama3, mistral, qwen2, qwen3, phi3, gemma2, gemma3). */
    public static Family fromLabel(String label) {
      for (Family f : values()) {
        if (f.label.equals(label)) {
          return f;
        }
      }
      throw new InvalidInputException(
          "unknown model family '"
              + label
              + "' (llama, llama3, mistral, qwen2, qwen3, "
              + "phi3, gemma2, gemma3)");
    }
  }

  /** Sliding window of the generated Mistral and Gemma models: short, so that tests cross it. */
  public static final int GENERATED_WINDOW = 8;

  /**
   * What to generate. {@code weightType} applies to the 2-D matrices; norms and biases stay F32.
   */
  public record Spec(
      Family family,
      int dim,
      int hiddenDim,
      int layers,
      int heads,
      int kvHeads,
      int headDim,
      int vocabSize,
      int contextLength,
      TensorType weightType,
      long seed) {
    public Spec {
      if (vocabSize < 300) {
        throw new InvalidInputException(
            "generated vocabularies need at least 300 tokens, got " + vocabSize);
      }
      if (family == Family.PHI3 && heads * headDim != dim) {
        throw new InvalidInputException(
            "phi3 needs heads x head dimension = dim (llama.cpp's attn_output is dim x dim)");
      }
      new ModelConfig(
          "check",
          family.architecture(),
          dim,
          hiddenDim,
          layers,
          heads,
          kvHeads,
          headDim,
          vocabSize,
          contextLength,
          10000f,
          1e-5f);
    }

    public Spec(
        Architecture architecture,
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int vocabSize,
        int contextLength,
        TensorType weightType,
        long seed) {
      this(
          Family.of(architecture),
          dim,
          hiddenDim,
          layers,
          heads,
          kvHeads,
          headDim,
          vocabSize,
          contextLength,
          weightType,
          seed);
    }

    public Architecture architecture() {
      return family.architecture();
    }

    /**
     * About 100M parameters (dim 768, 12 layers, GQA 12/4, ffn 2048, vocab 16384, untied output).
     */
    public static Spec hundredMillion(Architecture arch, TensorType type) {
      return new Spec(arch, 768, 2048, 12, 12, 4, 64, 16384, 2048, type, 1);
    }

    /**
     * TinyLlama 1.1B's shape (dim 2048, ffn 5632, 22 layers, 32 heads, 4 KV heads, vocab 32000) in
     * the Llama 2 layout, with a 16384-token context so that generation can be measured deep into
     * it.
     */
    public static Spec tinyLlama1b(TensorType type) {
      return new Spec(Family.LLAMA2, 2048, 5632, 22, 32, 4, 64, 32000, 16384, type, 1);
    }

    /**
     * Llama-3-8B's shape (dim 4096, ffn 14336, 32 layers, 32 heads, 8 KV heads, vocab 128256) in
     * the Llama 3 layout (byte-level BPE, rope_freqs), context 8192.
     */
    public static Spec llama3_8b(TensorType type) {
      return new Spec(Family.LLAMA3, 4096, 14336, 32, 32, 8, 128, 128256, 8192, type, 1);
    }

    /**
     * The benchmark shapes by name: {@code 100m}, {@code 1b}, {@code 8b} (bench/ai/run.sh's SHAPE).
     */
    public static Spec benchmark(String shape, TensorType type) {
      return switch (shape) {
        case "100m" -> hundredMillion(Architecture.LLAMA, type);
        case "1b" -> tinyLlama1b(type);
        case "8b" -> llama3_8b(type);
        default ->
            throw new InvalidInputException(
                "benchmark shape must be 100m, 1b or 8b, got '" + shape + "'");
      };
    }

    /**
     * A tiny model for tests (dim 64, 2 layers; Gemma 3: 6 layers, so one is global; context 512).
     */
    public static Spec tiny(Architecture arch, TensorType type, long seed) {
      return tiny(Family.of(arch), type, seed);
    }

    public static Spec tiny(Family family, TensorType type, long seed) {
      int headDim = family == Family.QWEN3 ? 32 : 16; // qwen3: q dim 128 != model dim 64
      int layers = family == Family.GEMMA3 ? 6 : 2;
      // Context 512: room for a prompt and the 256 greedy steps compared with llama.cpp
      // (bench/ai/families).
      return new Spec(family, 64, 160, layers, 4, 2, headDim, 320, 512, type, seed);
    }

    /** One small layer with a 4096-token vocabulary: the tokenizer conformance vocabularies. */
    public static Spec vocabulary(Family family, TensorType type, long seed) {
      return new Spec(family, 64, 160, 1, 4, 2, 16, 4096, 256, type, seed);
    }

    /**
     * A small model (1.3M parameters) whose every matrix row is whole 256-element blocks, so
     * llama.cpp's llama-quantize can make real Q4_K/Q6_K files from its F32 form (it falls back to
     * other types for rows that are not): the K-quant reference vectors are made from these.
     */
    public static Spec kQuantReference(Architecture arch, TensorType type, long seed) {
      return kQuantReference(Family.of(arch), type, seed);
    }

    public static Spec kQuantReference(Family family, TensorType type, long seed) {
      return new Spec(
          family, 256, 512, family == Family.GEMMA3 ? 6 : 2, 4, 2, 64, 320, 256, type, seed);
    }
  }

  private BenchmarkModelGenerator() {}

  public static void write(Spec spec, Path file) {
    build(spec).write(file);
  }

  static GgufWriter build(Spec s) {
    SplittableRandom rnd = new SplittableRandom(s.seed());
    Family family = s.family();
    String arch = s.architecture().ggufName();
    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", arch);
    w.putString(
        "general.name",
        "trustdial-bench-"
            + family.label()
            + "-"
            + s.weightType().name().toLowerCase()
            + "-seed"
            + s.seed());
    w.putUint32(arch + ".context_length", s.contextLength());
    w.putUint32(arch + ".embedding_length", s.dim());
    w.putUint32(arch + ".feed_forward_length", s.hiddenDim());
    w.putUint32(arch + ".block_count", s.layers());
    w.putUint32(arch + ".attention.head_count", s.heads());
    w.putUint32(arch + ".attention.head_count_kv", s.kvHeads());
    w.putUint32(arch + ".attention.key_length", s.headDim());
    w.putUint32(arch + ".attention.value_length", s.headDim());
    w.putFloat32(arch + ".rope.freq_base", ropeTheta(family));
    w.putFloat32(
        arch + ".attention.layer_norm_rms_epsilon", family.architecture().gemma() ? 1e-6f : 1e-5f);
    int ropeDim =
        family == Family.PHI3
            ? s.headDim() * 3 / 4 / 2 * 2
            : s.headDim(); // Phi-4-mini style partial rotary
    switch (family) {
      case LLAMA3 -> w.putUint32(arch + ".rope.dimension_count", ropeDim);
      case MISTRAL -> w.putUint32(arch + ".attention.sliding_window", GENERATED_WINDOW);
      case PHI3 -> w.putUint32(arch + ".rope.dimension_count", ropeDim);
      case GEMMA2 -> {
        w.putUint32(arch + ".attention.sliding_window", GENERATED_WINDOW);
        // Smaller than Gemma 2's 50/30 so that the caps bend the random model's values.
        w.putFloat32(arch + ".attn_logit_softcapping", 5f);
        w.putFloat32(arch + ".final_logit_softcapping", 3f);
      }
      case GEMMA3 -> {
        w.putUint32(arch + ".attention.sliding_window", GENERATED_WINDOW);
        w.putString(arch + ".rope.scaling.type", "linear");
        w.putFloat32(arch + ".rope.scaling.factor", 8f);
      }
      default -> {}
    }
    putVocabulary(w, s, rnd.split());
    int qDim = s.heads() * s.headDim();
    int kvDim = s.kvHeads() * s.headDim();
    boolean tied =
        family != Family.LLAMA2
            && family != Family.LLAMA3
            && family != Family.MISTRAL
            && family != Family.PHI3;
    w.addTensor(matrix("token_embd.weight", s.vocabSize(), s.dim(), s.weightType(), rnd, 1.0));
    if (family == Family.LLAMA3) {
      w.addTensor(
          new GgufWriter.Tensor(
              "rope_freqs.weight",
              new long[] {ropeDim / 2},
              GgmlType.F32,
              WeightQuantizer.encode(
                  llama3RopeFactors(ropeDim, ropeTheta(family), 8f, 1f, 4f, 8192),
                  TensorType.F32)));
    }
    for (int l = 0; l < s.layers(); l++) {
      String b = "blk." + l + ".";
      w.addTensor(norm(b + "attn_norm.weight", s.dim(), rnd));
      if (family == Family.PHI3) {
        w.addTensor(
            matrix(b + "attn_qkv.weight", qDim + 2 * kvDim, s.dim(), s.weightType(), rnd, 1.0));
      } else {
        w.addTensor(matrix(b + "attn_q.weight", qDim, s.dim(), s.weightType(), rnd, 1.0));
        w.addTensor(matrix(b + "attn_k.weight", kvDim, s.dim(), s.weightType(), rnd, 1.0));
        w.addTensor(matrix(b + "attn_v.weight", kvDim, s.dim(), s.weightType(), rnd, 1.0));
      }
      if (family == Family.QWEN2) {
        w.addTensor(vector(b + "attn_q.bias", qDim, rnd, 0.0, 0.1));
        w.addTensor(vector(b + "attn_k.bias", kvDim, rnd, 0.0, 0.1));
        w.addTensor(vector(b + "attn_v.bias", kvDim, rnd, 0.0, 0.1));
      }
      if (family == Family.QWEN3 || family == Family.GEMMA3) {
        w.addTensor(norm(b + "attn_q_norm.weight", s.headDim(), rnd));
        w.addTensor(norm(b + "attn_k_norm.weight", s.headDim(), rnd));
      }
      w.addTensor(matrix(b + "attn_output.weight", s.dim(), qDim, s.weightType(), rnd, 1.0));
      if (family.architecture().gemma()) {
        w.addTensor(norm(b + "post_attention_norm.weight", s.dim(), rnd));
      }
      w.addTensor(norm(b + "ffn_norm.weight", s.dim(), rnd));
      if (family == Family.PHI3) {
        w.addTensor(
            matrix(b + "ffn_up.weight", 2 * s.hiddenDim(), s.dim(), s.weightType(), rnd, 1.0));
      } else {
        w.addTensor(
            matrix(b + "ffn_gate.weight", s.hiddenDim(), s.dim(), s.weightType(), rnd, 1.0));
        w.addTensor(matrix(b + "ffn_up.weight", s.hiddenDim(), s.dim(), s.weightType(), rnd, 1.0));
      }
      w.addTensor(matrix(b + "ffn_down.weight", s.dim(), s.hiddenDim(), s.weightType(), rnd, 1.0));
      if (family.architecture().gemma()) {
        w.addTensor(norm(b + "post_ffw_norm.weight", s.dim(), rnd));
      }
    }
    w.addTensor(norm("output_norm.weight", s.dim(), rnd));
    if (!tied) {
      w.addTensor(matrix("output.weight", s.vocabSize(), s.dim(), s.weightType(), rnd, 1.0));
    }
    return w;
  }

  private static float ropeTheta(Family family) {
    return switch (family) {
      case LLAMA2, MISTRAL, PHI3, GEMMA2 -> 10000f;
      case LLAMA3 -> 500000f;
      case QWEN2, QWEN3, GEMMA3 -> 1000000f;
    };
  }

  /**
   * Llama 3.1's RoPE scaling as the per-pair divisors that GGUF stores in {@code rope_freqs}:
   * wavelengths shorter than original/highFactor keep their frequency, longer than
   * original/lowFactor are divided by {@code factor}, and those between are blended smoothly.
   */
  static float[] llama3RopeFactors(
      int ropeDim,
      float theta,
      float factor,
      float lowFactor,
      float highFactor,
      int originalContext) {
    float[] out = new float[ropeDim / 2];
    double lowWavelen = originalContext / lowFactor;
    double highWavelen = originalContext / highFactor;
    for (int i = 0; i < out.length; i++) {
      double freq = 1.0 / StrictMath.pow(theta, (2.0 * i) / ropeDim);
      double wavelen = 2 * Math.PI / freq;
      if (wavelen < highWavelen) {
        out[i] = 1f;
      } else if (wavelen > lowWavelen) {
        out[i] = factor;
      } else {
        double smooth = (originalContext / wavelen - lowFactor) / (highFactor - lowFactor);
        out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
      }
    }
    return out;
  }

  /**
   * Gaussian weights scaled by gain/sqrt(cols), so activations keep unit scale through the layers.
   */
  private static GgufWriter.Tensor matrix(
      String name, int rows, int cols, TensorType type, SplittableRandom rnd, double gain) {
    float[] x = new float[Math.multiplyExact(rows, cols)];
    double scale = gain / Math.sqrt(cols);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (gaussian(rnd) * scale);
    }
    return new GgufWriter.Tensor(
        name, new long[] {cols, rows}, ggml(type), WeightQuantizer.encode(x, type));
  }

  private static GgufWriter.Tensor norm(String name, int n, SplittableRandom rnd) {
    return vector(name, n, rnd, 1.0, 0.1);
  }

  private static GgufWriter.Tensor vector(
      String name, int n, SplittableRandom rnd, double mean, double sd) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (mean + sd * gaussian(rnd));
    }
    return new GgufWriter.Tensor(
        name, new long[] {n}, GgmlType.F32, WeightQuantizer.encode(x, TensorType.F32));
  }

  /**
   * Box-Muller from SplittableRandom (java.util.Random's gaussian is not specified across versions
   * for streams).
   */
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
    switch (s.family()) {
      case LLAMA2 -> putSentencePieceVocabulary(w, s.vocabSize(), List.of(), true);
      case MISTRAL -> {
        putSentencePieceVocabulary(w, s.vocabSize(), List.of(), true);
        w.putString("tokenizer.chat_template", ChatTemplates.MISTRAL);
      }
      case PHI3 -> {
        putSentencePieceVocabulary(
            w,
            s.vocabSize(),
            List.of("<|endoftext|>", "<|assistant|>", "<|system|>", "<|end|>", "<|user|>"),
            true);
        w.putString("tokenizer.chat_template", ChatTemplates.PHI3);
      }
      case GEMMA2, GEMMA3 -> {
        putSentencePieceVocabulary(
            w, s.vocabSize(), List.of("<start_of_turn>", "<end_of_turn>"), false);
        w.putString("tokenizer.chat_template", ChatTemplates.GEMMA);
      }
      case LLAMA3 ->
          putByteLevelVocabulary(
              w,
              s.vocabSize(),
              rnd,
              "llama-bpe",
              List.of(
                  "<|begin_of_text|>",
                  "<|end_of_text|>",
                  "<|start_header_id|>",
                  "<|end_header_id|>",
                  "<|eot_id|>"),
              0,
              4,
              ChatTemplates.LLAMA3);
      case QWEN2, QWEN3 ->
          putByteLevelVocabulary(
              w,
              s.vocabSize(),
              rnd,
              "qwen2",
              List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
              0,
              2,
              ChatTemplates.QWEN);
    }
  }

  /**
   * SentencePiece: <unk>, <s>, </s>, 256 byte pieces, unique letter pieces with falling scores,
   * then the family's chat control tokens at the end of the vocabulary.
   */
  private static void putSentencePieceVocabulary(
      GgufWriter w, int vocab, List<String> controls, boolean spacePrefix) {
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
    for (int k = 0; tokens.size() < vocab - controls.size(); k++) {
      String word = letters(k / 2);
      tokens.add(k % 2 == 0 ? "\u2581" + word : word);
      scores[tokens.size() - 1] = -k;
      types[tokens.size() - 1] = 1;
    }
    for (String c : controls) {
      types[tokens.size()] = 3;
      tokens.add(c);
    }
    w.putString("tokenizer.ggml.model", "llama");
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putFloats("tokenizer.ggml.scores", scores);
    w.putInt32s("tokenizer.ggml.token_type", types);
    w.putUint32("tokenizer.ggml.bos_token_id", 1);
    w.putUint32("tokenizer.ggml.eos_token_id", 2);
    w.putUint32("tokenizer.ggml.unknown_token_id", 0);
    if (!spacePrefix) {
      w.put("tokenizer.ggml.add_space_prefix", new GgufValue.Bool(false));
    }
  }

  /**
   * Byte-level BPE: the 256 GPT-2 byte symbols, merges of earlier tokens, then the control tokens;
   * {@code bos} and {@code eos} index into {@code specials}.
   */
  private static void putByteLevelVocabulary(
      GgufWriter w,
      int vocab,
      SplittableRandom rnd,
      String pre,
      List<String> specials,
      int bos,
      int eos,
      String chatTemplate) {
    List<String> tokens = new ArrayList<>(byteSymbols());
    Set<String> seen = new HashSet<>(tokens);
    List<String> merges = new ArrayList<>();
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
    int first = tokens.size();
    for (String sp : specials) {
      types[tokens.size()] = 3;
      tokens.add(sp);
    }
    Invariant.check(
        tokens.size() == vocab && letters > 0, "the generated vocabulary has " + vocab + " tokens");
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", pre);
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putInt32s("tokenizer.ggml.token_type", types);
    w.putStrings("tokenizer.ggml.merges", merges);
    w.putUint32("tokenizer.ggml.bos_token_id", first + bos);
    w.putUint32("tokenizer.ggml.eos_token_id", first + eos);
    if (pre.equals("llama-bpe")) {
      w.put("tokenizer.ggml.add_bos_token", new GgufValue.Bool(true));
    } else {
      w.putUint32("tokenizer.ggml.padding_token_id", first + bos);
    }
    w.putString("tokenizer.chat_template", chatTemplate);
  }

  private static int pickMergeable(List<String> tokens, SplittableRandom rnd) {
    int lowercase = 26;
    int start = 'a' - '!'; // index of 'a' among the byte symbols, which start at '!'
    // Before the first merge there is no merged token to pick (seeds that reached this used to
    // fail).
    boolean letter = rnd.nextInt(4) != 0 || tokens.size() == 256;
    return letter ? start + rnd.nextInt(lowercase) : 256 + rnd.nextInt(tokens.size() - 256);
  }

  /**
   * GPT-2's byte-to-unicode table: printable Latin-1 maps to itself, other bytes to U+0100 onwards.
   */
  static List<String> byteSymbols() {
    Map<Integer, String> map = new LinkedHashMap<>();
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable =
          (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
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

  /** {@code java ... BenchmarkModelGenerator FAMILY TYPE OUT.gguf [tiny|kref|vocab|100m] [seed]} */
  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println(
          "usage: BenchmarkModelGenerator llama|llama3|mistral|qwen2|qwen3|phi3|gemma2|gemma3 "
              + "F32|F16|Q8_0|Q4_0 OUT.gguf [tiny|kref|vocab|100m|1b|8b] [seed]");
      System.exit(2);
    }
    Family family = Family.fromLabel(args[0]);
    TensorType type = TensorType.valueOf(args[1]);
    String size = args.length > 3 ? args[3] : "100m";
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    Spec spec =
        switch (size) {
          case "tiny" -> Spec.tiny(family, type, seed);
          case "kref" -> Spec.kQuantReference(family, type, seed);
          case "vocab" -> Spec.vocabulary(family, type, seed);
          case "100m" -> new Spec(family, 768, 2048, 12, 12, 4, 64, 16384, 2048, type, 1);
          case "1b", "8b" -> Spec.benchmark(size, type); // their own family: Llama 2 and Llama 3
          default -> {
            System.err.println("size must be tiny, kref, vocab, 100m, 1b or 8b, got " + size);
            System.exit(2);
            yield null;
          }
        };
    write(spec, Path.of(args[2]));
    System.out.println("wrote " + args[2]);
  }
}
