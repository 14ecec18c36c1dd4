package dev.trustdial.ai.model;

import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.gguf.GgufTensorInfo;
import dev.trustdial.ai.kernel.Dequantizer;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds a {@link LoadedModel} from a GGUF file: config from metadata, weights as views into the mapping. */
public final class GgufModelLoader {
  private GgufModelLoader() {}

  public static LoadedModel load(Path file) {
    GgufFile gguf = GgufFile.open(file);
    try {
      ModelConfig config = config(gguf, file);
      ModelWeights weights = weights(gguf, config);
      return new LoadedModel(config, weights, gguf.metadataAsJava(), MappedFile.sha256(gguf.segment()), gguf);
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
    int kvHeads = g.integer(p + "attention.head_count_kv").map(GgufModelLoader::toInt).orElse(heads);
    int headDim = g.integer(p + "attention.key_length").map(GgufModelLoader::toInt).orElse(dim / Math.max(1, heads));
    GgufTensorInfo embd = g.requireTensor("token_embd.weight");
    int vocab = toInt(embd.rank() == 2 ? embd.dim(1) : -1);
    String name = g.string("general.name").orElse(file.getFileName().toString().replaceFirst("\\.gguf$", ""));
    return new ModelConfig(name, arch, dim, intKey(g, p + "feed_forward_length"), intKey(g, p + "block_count"),
        heads, kvHeads, headDim, vocab, intKey(g, p + "context_length"),
        g.real(p + "rope.freq_base").map(Double::floatValue).orElse(10000f),
        g.real(p + "attention.layer_norm_rms_epsilon").map(Double::floatValue).orElse(1e-5f));
  }

  static ModelWeights weights(GgufFile g, ModelConfig c) {
    int dim = c.dim();
    WeightMatrix embedding = matrix(g, "token_embd.weight").expectShape(c.vocabSize(), dim);
    WeightMatrix output = g.tensor("output.weight").isPresent()
        ? matrix(g, "output.weight").expectShape(c.vocabSize(), dim)
        : embedding; // tied embeddings
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < c.layers(); l++) {
      String b = "blk." + l + ".";
      boolean qwen3 = c.architecture() == Architecture.QWEN3;
      layers.add(new LayerWeights(
          vector(g, b + "attn_norm.weight", dim),
          matrix(g, b + "attn_q.weight").expectShape(c.qDim(), dim),
          matrix(g, b + "attn_k.weight").expectShape(c.kvDim(), dim),
          matrix(g, b + "attn_v.weight").expectShape(c.kvDim(), dim),
          matrix(g, b + "attn_output.weight").expectShape(dim, c.qDim()),
          optionalVector(g, b + "attn_q.bias", c.qDim()),
          optionalVector(g, b + "attn_k.bias", c.kvDim()),
          optionalVector(g, b + "attn_v.bias", c.kvDim()),
          qwen3 ? Optional.of(vector(g, b + "attn_q_norm.weight", c.headDim())) : Optional.empty(),
          qwen3 ? Optional.of(vector(g, b + "attn_k_norm.weight", c.headDim())) : Optional.empty(),
          vector(g, b + "ffn_norm.weight", dim),
          matrix(g, b + "ffn_gate.weight").expectShape(c.hiddenDim(), dim),
          matrix(g, b + "ffn_down.weight").expectShape(dim, c.hiddenDim()),
          matrix(g, b + "ffn_up.weight").expectShape(c.hiddenDim(), dim)));
    }
    return new ModelWeights(embedding, layers, vector(g, "output_norm.weight", dim), output);
  }

  private static WeightMatrix matrix(GgufFile g, String name) {
    GgufTensorInfo t = g.requireTensor(name);
    if (t.rank() != 2) {
      throw new InvalidInputException("GGUF: tensor '" + name + "' should be a matrix but has rank " + t.rank());
    }
    TensorType type = TensorType.fromGgmlId(t.type().id(), name);
    return new WeightMatrix(name, type, toInt(t.dim(1)), toInt(t.dim(0)), g.tensorData(t));
  }

  private static float[] vector(GgufFile g, String name, int len) {
    GgufTensorInfo t = g.requireTensor(name);
    if (t.elementCount() != len) {
      throw new InvalidInputException("GGUF: tensor '" + name + "' has " + t.elementCount()
          + " elements but the model config needs " + len);
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

  private static int toInt(long v) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new InvalidInputException("GGUF: value " + v + " is out of range for a model dimension");
    }
    return (int) v;
  }
}
