package dev.trustdial.ai.model;

import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.gguf.GgufTensorInfo;
import dev.trustdial.ai.kernel.Dequantizer;
import dev.trustdial.ai.model.ModelConfig.FamilyParams;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link LoadedModel} from a GGUF file: config from metadata, weights as views into the
 * mapping. Metadata keys and tensor names are llama.cpp's (docs/spec/gguf.md, §Model families).
 */
public final class GgufModelLoader {
  private GgufModelLoader() {}

  /** Gemma 2's sliding window when the file does not say (llama.cpp's default for gemma2). */
  static final int GEMMA2_DEFAULT_WINDOW = 4096;

  /** Gemma 3's sliding layers use this RoPE base whatever the global layers use. */
  static final float GEMMA3_SLIDING_ROPE_THETA = 10000f;

  public static LoadedModel load(Path file) {
    GgufFile gguf = GgufFile.open(file);
    try {
      ModelConfig config = config(gguf, file);
      ModelWeights weights = weights(gguf, config);
      return new LoadedModel(
          config, weights, gguf.metadataAsJava(), MappedFile.sha256(gguf.segment()), gguf);
    } catch (RuntimeException e) {
      gguf.close();
      throw e;
    }
  }

  static ModelConfig config(GgufFile g, Path file) {
    String archName = g.requireString("general.architecture");
    Architecture arch = Architecture.fromGguf(archName);
    String p = archName + ".";
    int dim = intKey(g, p + "embedding_length");
    int heads = intKey(g, p + "attention.head_count");
    int kvHeads =
        g.integer(p + "attention.head_count_kv").map(GgufModelLoader::toInt).orElse(heads);
    int headDim =
        g.integer(p + "attention.key_length")
            .map(GgufModelLoader::toInt)
            .orElse(dim / Math.max(1, heads));
    int valueDim =
        g.integer(p + "attention.value_length").map(GgufModelLoader::toInt).orElse(headDim);
    if (valueDim != headDim) {
      throw new InvalidInputException(
          "GGUF: "
              + p
              + "attention.value_length "
              + valueDim
              + " differs from key_length "
              + headDim
              + "; only equal key and value head sizes are supported");
    }
    GgufTensorInfo embd = g.requireTensor("token_embd.weight");
    int vocab = toInt(embd.rank() == 2 ? embd.dim(1) : -1);
    String name =
        g.string("general.name").orElse(file.getFileName().toString().replaceFirst("\\.gguf$", ""));
    int layers = intKey(g, p + "block_count");
    float ropeTheta = g.real(p + "rope.freq_base").map(Double::floatValue).orElse(10000f);
    return new ModelConfig(
        name,
        arch,
        dim,
        intKey(g, p + "feed_forward_length"),
        layers,
        heads,
        kvHeads,
        headDim,
        vocab,
        intKey(g, p + "context_length"),
        ropeTheta,
        g.real(p + "attention.layer_norm_rms_epsilon").map(Double::floatValue).orElse(1e-5f),
        family(g, arch, p, dim, heads, headDim, layers, ropeTheta));
  }

  /** The family-specific parameters, from the keys llama.cpp reads for that architecture. */
  private static FamilyParams family(
      GgufFile g,
      Architecture arch,
      String p,
      int dim,
      int heads,
      int headDim,
      int layers,
      float ropeTheta) {
    int ropeDim = g.integer(p + "rope.dimension_count").map(GgufModelLoader::toInt).orElse(headDim);
    float freqScale = ropeFreqScale(g, p);
    float standardDivisor = (float) Math.sqrt(headDim);
    return switch (arch) {
      case LLAMA ->
          new FamilyParams(
              ropeDim,
              optionalInt(g, p + "attention.sliding_window", 0),
              1,
              ropeTheta,
              freqScale,
              freqScale,
              0f,
              0f,
              standardDivisor,
              false);
      case QWEN2, QWEN3 ->
          new FamilyParams(
              ropeDim, 0, 1, ropeTheta, freqScale, freqScale, 0f, 0f, standardDivisor, false);
      // llama.cpp reads phi3.attention.sliding_window but runs Phi-3 without it (see gguf.md); so
      // do we.
      case PHI3 ->
          new FamilyParams(
              ropeDim, 0, 1, ropeTheta, freqScale, freqScale, 0f, 0f, standardDivisor, false);
      case GEMMA2 ->
          new FamilyParams(
              ropeDim,
              optionalInt(g, p + "attention.sliding_window", GEMMA2_DEFAULT_WINDOW),
              2,
              ropeTheta,
              freqScale,
              freqScale,
              optionalFloat(g, p + "attn_logit_softcapping", 50f),
              optionalFloat(g, p + "final_logit_softcapping", 30f),
              gemmaDivisor(layers == 46, dim, heads, headDim),
              true);
      // Gemma 3's sliding layers keep base 10000 and no scaling; the linear factor applies to the
      // global ones.
      case GEMMA3 ->
          new FamilyParams(
              ropeDim,
              intKey(g, p + "attention.sliding_window"),
              6,
              GEMMA3_SLIDING_ROPE_THETA,
              1f,
              freqScale,
              0f,
              0f,
              gemmaDivisor(layers == 62, dim, heads, headDim),
              true);
    };
  }

  /**
   * Gemma's 27B models scale queries by 1/sqrt(dim/heads), the others by 1/sqrt(headDim) (as
   * llama.cpp).
   */
  private static float gemmaDivisor(boolean size27b, int dim, int heads, int headDim) {
    return (float) Math.sqrt(size27b ? dim / heads : headDim);
  }

  /**
   * Linear RoPE scaling (angle × 1/factor); Llama 3.1 scaling comes as the rope_freqs tensor
   * instead.
   */
  private static float ropeFreqScale(GgufFile g, String p) {
    String type = g.string(p + "rope.scaling.type").orElse("none");
    return switch (type) {
      case "none", "llama3" -> 1f;
      case "linear" -> {
        float factor = optionalFloat(g, p + "rope.scaling.factor", 1f);
        if (!(factor >= 1f && factor <= 1024f)) {
          throw new InvalidInputException(
              "GGUF: " + p + "rope.scaling.factor " + factor + " is outside 1..1024");
        }
        yield 1f / factor;
      }
      default ->
          throw new InvalidInputException(
              "GGUF: RoPE scaling type '"
                  + type
                  + "' ("
                  + p
                  + "rope.scaling.type) is not supported (none, linear, llama3 via rope_freqs)");
    };
  }

  static ModelWeights weights(GgufFile g, ModelConfig c) {
    int dim = c.dim();
    Architecture arch = c.architecture();
    WeightMatrix embedding = matrix(g, "token_embd.weight").expectShape(c.vocabSize(), dim);
    WeightMatrix output =
        g.tensor("output.weight").isPresent()
            ? matrix(g, "output.weight").expectShape(c.vocabSize(), dim)
            : embedding; // tied embeddings
    for (String longRope : List.of("rope_factors_long.weight", "rope_factors_short.weight")) {
      if (g.tensor(longRope).isPresent()) {
        throw new InvalidInputException(
            "GGUF: tensor '" + longRope + "' (LongRoPE of 128k-context Phi-3) is not supported");
      }
    }
    Optional<float[]> ropeFreqs = Optional.empty();
    if (g.tensor("rope_freqs.weight").isPresent()) {
      if (arch != Architecture.LLAMA) {
        throw new InvalidInputException(
            "GGUF: tensor 'rope_freqs.weight' is only supported for llama models, not "
                + arch.ggufName());
      }
      float[] f = vector(g, "rope_freqs.weight", c.family().ropeDim() / 2);
      for (int i = 0; i < f.length; i++) {
        if (!(f[i] > 0 && f[i] < 1e6f)) {
          throw new InvalidInputException(
              "GGUF: rope_freqs.weight[" + i + "] = " + f[i] + " is not a positive factor");
        }
      }
      ropeFreqs = Optional.of(f);
    }
    boolean qkNorm = arch == Architecture.QWEN3 || arch == Architecture.GEMMA3;
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < c.layers(); l++) {
      String b = "blk." + l + ".";
      WeightMatrix wq;
      WeightMatrix wk;
      WeightMatrix wv;
      if (arch == Architecture.PHI3 && g.tensor(b + "attn_qkv.weight").isPresent()) {
        // Fused rows: q (qDim), then k (kvDim), then v (kvDim).
        WeightMatrix qkv =
            matrix(g, b + "attn_qkv.weight").expectShape(c.qDim() + 2 * c.kvDim(), dim);
        wq = qkv.rowSlice(b + "attn_qkv.weight[q]", 0, c.qDim());
        wk = qkv.rowSlice(b + "attn_qkv.weight[k]", c.qDim(), c.kvDim());
        wv = qkv.rowSlice(b + "attn_qkv.weight[v]", c.qDim() + c.kvDim(), c.kvDim());
      } else {
        wq = matrix(g, b + "attn_q.weight").expectShape(c.qDim(), dim);
        wk = matrix(g, b + "attn_k.weight").expectShape(c.kvDim(), dim);
        wv = matrix(g, b + "attn_v.weight").expectShape(c.kvDim(), dim);
      }
      WeightMatrix gate;
      WeightMatrix up;
      if (arch == Architecture.PHI3) {
        // Fused rows: gate (hidden), then up (hidden); silu applies to the first half.
        WeightMatrix gateUp = matrix(g, b + "ffn_up.weight").expectShape(2 * c.hiddenDim(), dim);
        gate = gateUp.rowSlice(b + "ffn_up.weight[gate]", 0, c.hiddenDim());
        up = gateUp.rowSlice(b + "ffn_up.weight[up]", c.hiddenDim(), c.hiddenDim());
      } else {
        gate = matrix(g, b + "ffn_gate.weight").expectShape(c.hiddenDim(), dim);
        up = matrix(g, b + "ffn_up.weight").expectShape(c.hiddenDim(), dim);
      }
      layers.add(
          new LayerWeights(
              vector(g, b + "attn_norm.weight", dim),
              wq,
              wk,
              wv,
              matrix(g, b + "attn_output.weight").expectShape(dim, c.qDim()),
              optionalVector(g, b + "attn_q.bias", c.qDim()),
              optionalVector(g, b + "attn_k.bias", c.kvDim()),
              optionalVector(g, b + "attn_v.bias", c.kvDim()),
              qkNorm
                  ? Optional.of(vector(g, b + "attn_q_norm.weight", c.headDim()))
                  : Optional.empty(),
              qkNorm
                  ? Optional.of(vector(g, b + "attn_k_norm.weight", c.headDim()))
                  : Optional.empty(),
              arch.gemma()
                  ? Optional.of(vector(g, b + "post_attention_norm.weight", dim))
                  : Optional.empty(),
              vector(g, b + "ffn_norm.weight", dim),
              gate,
              matrix(g, b + "ffn_down.weight").expectShape(dim, c.hiddenDim()),
              up,
              arch.gemma()
                  ? Optional.of(vector(g, b + "post_ffw_norm.weight", dim))
                  : Optional.empty()));
    }
    return new ModelWeights(
        embedding, layers, vector(g, "output_norm.weight", dim), output, ropeFreqs);
  }

  private static WeightMatrix matrix(GgufFile g, String name) {
    GgufTensorInfo t = g.requireTensor(name);
    if (t.rank() != 2) {
      throw new InvalidInputException(
          "GGUF: tensor '" + name + "' should be a matrix but has rank " + t.rank());
    }
    TensorType type = TensorType.fromGgmlId(t.type().id(), name);
    return new WeightMatrix(name, type, toInt(t.dim(1)), toInt(t.dim(0)), g.tensorData(t));
  }

  private static float[] vector(GgufFile g, String name, int len) {
    GgufTensorInfo t = g.requireTensor(name);
    if (t.elementCount() != len) {
      throw new InvalidInputException(
          "GGUF: tensor '"
              + name
              + "' has "
              + t.elementCount()
              + " elements but the model config needs "
              + len);
    }
    TensorType type = TensorType.fromGgmlId(t.type().id(), name);
    float[] out = new float[len];
    Dequantizer.decode(type, g.tensorData(t), 0, len, out, 0);
    return out;
  }

  private static Optional<float[]> optionalVector(GgufFile g, String name, int len) {
    return g.tensor(name).isPresent() ? Optional.of(vector(g, name, len)) : Optional.empty();
  }

  private static int intKey(GgufFile g, String key) {
    return toInt(g.requireInteger(key));
  }

  private static int optionalInt(GgufFile g, String key, int fallback) {
    return g.integer(key).map(GgufModelLoader::toInt).orElse(fallback);
  }

  private static float optionalFloat(GgufFile g, String key, float fallback) {
    return g.real(key).map(Double::floatValue).orElse(fallback);
  }

  private static int toInt(long v) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          "GGUF: value " + v + " is out of range for a model dimension");
    }
    return (int) v;
  }
}
