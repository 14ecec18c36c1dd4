package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads Karpathy's llama2.c "version 0" checkpoints: a 7-int header and float32 arrays in a fixed
 * order (see trustdial-ai/src/main/resources/models/README.md). Weights stay in the mapped file.
 */
public final class Llama2cLoader {
  private static final int HEADER_BYTES = 28;

  private Llama2cLoader() {}

  @SuppressWarnings(
      "MustBeClosedChecker") // the returned model owns the arena; it is closed here on failure
  public static LoadedModel load(Path file) {
    Arena arena = Arena.ofShared();
    try {
      MemorySegment data = MappedFile.map(file, arena);
      String name = file.getFileName().toString().replaceFirst("\\.bin$", "");
      ModelConfig config = parse(data, name);
      boolean shared =
          data.get(MappedFile.I32, 20) > 0; // negative vocab_size = separate classifier
      ModelWeights weights = weights(data, config, shared);
      return new LoadedModel(config, weights, Map.of(), MappedFile.sha256(data), arena);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static ModelConfig parse(MemorySegment data, String name) {
    if (data.byteSize() < HEADER_BYTES) {
      throw new InvalidInputException(
          "llama2.c checkpoint is " + data.byteSize() + " bytes, shorter than its header");
    }
    int[] h = new int[7];
    for (int i = 0; i < 7; i++) {
      h[i] = data.get(MappedFile.I32, 4L * i);
    }
    int heads = h[3];
    if (heads <= 0 || h[0] % heads != 0) {
      throw new InvalidInputException(
          "llama2.c header: dim " + h[0] + " is not divisible by " + heads + " heads");
    }
    return new ModelConfig(
        name,
        Architecture.LLAMA,
        h[0],
        h[1],
        h[2],
        heads,
        h[4],
        h[0] / heads,
        Math.abs(h[5]),
        h[6],
        10000f,
        1e-5f);
  }

  /** Lays the tensors out in file order and checks the file is exactly as long as they need. */
  static ModelWeights weights(MemorySegment data, ModelConfig c, boolean sharedClassifier) {
    long[] off = {HEADER_BYTES};
    int dim = c.dim();
    int kvDim = c.kvDim();
    int hidden = c.hiddenDim();
    int layers = c.layers();
    WeightMatrix embedding = matrix(data, off, "token_embedding", c.vocabSize(), dim);
    float[][] rmsAtt = vectors(data, off, layers, dim);
    WeightMatrix[] wq = matrices(data, off, "wq", layers, dim, dim);
    WeightMatrix[] wk = matrices(data, off, "wk", layers, kvDim, dim);
    WeightMatrix[] wv = matrices(data, off, "wv", layers, kvDim, dim);
    WeightMatrix[] wo = matrices(data, off, "wo", layers, dim, dim);
    float[][] rmsFfn = vectors(data, off, layers, dim);
    WeightMatrix[] w1 = matrices(data, off, "w1", layers, hidden, dim);
    WeightMatrix[] w2 = matrices(data, off, "w2", layers, dim, hidden);
    WeightMatrix[] w3 = matrices(data, off, "w3", layers, hidden, dim);
    float[] rmsFinal = vectors(data, off, 1, dim)[0];
    off[0] += 4L * c.contextLength() * c.headDim(); // legacy freq_cis_real and freq_cis_imag tables
    WeightMatrix output =
        sharedClassifier ? embedding : matrix(data, off, "wcls", c.vocabSize(), dim);
    if (off[0] != data.byteSize()) {
      throw new InvalidInputException(
          "llama2.c checkpoint is "
              + data.byteSize()
              + " bytes but its header describes "
              + off[0]
              + " bytes");
    }
    List<LayerWeights> list = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      list.add(
          new LayerWeights(
              rmsAtt[l],
              wq[l],
              wk[l],
              wv[l],
              wo[l],
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              rmsFfn[l],
              w1[l],
              w2[l],
              w3[l]));
    }
    return new ModelWeights(embedding, list, rmsFinal, output);
  }

  private static WeightMatrix matrix(
      MemorySegment data, long[] off, String name, int rows, int cols) {
    long bytes = 4L * rows * cols;
    if (off[0] + bytes > data.byteSize()) {
      throw new InvalidInputException("llama2.c checkpoint is truncated inside tensor " + name);
    }
    WeightMatrix m =
        new WeightMatrix(name, TensorType.F32, rows, cols, data.asSlice(off[0], bytes));
    off[0] += bytes;
    return m;
  }

  private static WeightMatrix[] matrices(
      MemorySegment data, long[] off, String name, int n, int rows, int cols) {
    WeightMatrix[] out = new WeightMatrix[n];
    for (int i = 0; i < n; i++) {
      out[i] = matrix(data, off, name + "[" + i + "]", rows, cols);
    }
    return out;
  }

  private static float[][] vectors(MemorySegment data, long[] off, int n, int len) {
    if (off[0] + 4L * n * len > data.byteSize()) {
      throw new InvalidInputException("llama2.c checkpoint is truncated inside a norm vector");
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = MappedFile.readF32(data, off[0], len);
      off[0] += 4L * len;
    }
    return out;
  }
}
