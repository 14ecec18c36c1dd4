package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;

/** Shape and hyper-parameters of a transformer, read once from the model file. */
public record ModelConfig(
    String name,
    Architecture architecture,
    int dim,
    int hiddenDim,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int vocabSize,
    int contextLength,
    float ropeTheta,
    float rmsEps) {

  /** Upper bounds that keep a hostile file from making us allocate absurd buffers. */
  public static final int MAX_DIM = 1 << 16;
  public static final int MAX_LAYERS = 1024;
  public static final int MAX_VOCAB = 1 << 21;
  public static final int MAX_CONTEXT = 1 << 20;

  public ModelConfig {
    check(dim > 0 && dim <= MAX_DIM, "embedding length " + dim + " is outside 1.." + MAX_DIM);
    check(hiddenDim > 0 && hiddenDim <= 8 * MAX_DIM, "feed-forward length " + hiddenDim + " is out of range");
    check(layers > 0 && layers <= MAX_LAYERS, "layer count " + layers + " is outside 1.." + MAX_LAYERS);
    check(heads > 0 && kvHeads > 0 && heads % kvHeads == 0,
        "head counts " + heads + "/" + kvHeads + " are invalid (query heads must be a multiple of kv heads)");
    check(headDim > 0 && headDim % 2 == 0 && headDim <= 1024, "head dimension " + headDim + " is invalid");
    check(vocabSize > 0 && vocabSize <= MAX_VOCAB, "vocabulary size " + vocabSize + " is outside 1.." + MAX_VOCAB);
    check(contextLength > 0 && contextLength <= MAX_CONTEXT, "context length " + contextLength + " is out of range");
    check(ropeTheta > 0 && Float.isFinite(ropeTheta), "rope theta " + ropeTheta + " is invalid");
    check(rmsEps > 0 && rmsEps < 1, "rms epsilon " + rmsEps + " is invalid");
  }

  public int qDim() {
    return heads * headDim;
  }

  public int kvDim() {
    return kvHeads * headDim;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException("invalid model: " + message);
    }
  }
}
