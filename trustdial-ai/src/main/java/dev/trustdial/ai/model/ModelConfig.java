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
    float rmsEps,
    FamilyParams family) {

  /** Upper bounds that keep a hostile file from making us allocate absurd buffers. */
  public static final int MAX_DIM = 1 << 16;

  public static final int MAX_LAYERS = 1024;
  public static final int MAX_VOCAB = 1 << 21;
  public static final int MAX_CONTEXT = 1 << 20;

  /** Soft-capping constants above this are no cap at all in practice (Gemma uses 30 and 50). */
  public static final float MAX_SOFTCAP = 1e4f;

  /**
   * What differs between the model families beyond the shape: how many dimensions of a head RoPE
   * rotates (partial rotary), sliding-window attention and which layers use it (with {@code
   * slidingPeriod} p &gt; 1, layer l slides when l mod p &lt; p − 1), the RoPE base and linear
   * frequency scale of the sliding and of the other layers, logit soft-capping (0 = none), the
   * divisor of attention scores and whether the embedding is scaled by sqrt(dim).
   */
  public record FamilyParams(
      int ropeDim,
      int slidingWindow,
      int slidingPeriod,
      float slidingRopeTheta,
      float slidingRopeFreqScale,
      float ropeFreqScale,
      float attnSoftcap,
      float finalSoftcap,
      float attentionDivisor,
      boolean scaleEmbedding) {

    /** Llama 2, Qwen: full rotary, no window, no caps, scores divided by sqrt(headDim). */
    public static FamilyParams standard(int headDim, float ropeTheta) {
      return new FamilyParams(
          headDim, 0, 1, ropeTheta, 1f, 1f, 0f, 0f, (float) Math.sqrt(headDim), false);
    }

    /** Whether layer {@code l} attends only to the last {@link #slidingWindow} positions. */
    public boolean sliding(int l) {
      return slidingWindow > 0 && (slidingPeriod == 1 || l % slidingPeriod < slidingPeriod - 1);
    }
  }

  /** A config with the {@link FamilyParams#standard} parameters (llama2.c, Llama 2, Qwen). */
  public ModelConfig(
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
    this(
        name,
        architecture,
        dim,
        hiddenDim,
        layers,
        heads,
        kvHeads,
        headDim,
        vocabSize,
        contextLength,
        ropeTheta,
        rmsEps,
        FamilyParams.standard(headDim, ropeTheta));
  }

  public ModelConfig {
    check(dim > 0 && dim <= MAX_DIM, "embedding length " + dim + " is outside 1.." + MAX_DIM);
    check(
        hiddenDim > 0 && hiddenDim <= 8 * MAX_DIM,
        "feed-forward length " + hiddenDim + " is out of range");
    check(
        layers > 0 && layers <= MAX_LAYERS,
        "layer count " + layers + " is outside 1.." + MAX_LAYERS);
    check(
        heads > 0 && kvHeads > 0 && heads % kvHeads == 0,
        "head counts "
            + heads
            + "/"
            + kvHeads
            + " are invalid (query heads must be a multiple of kv heads)");
    check(
        headDim > 0 && headDim % 2 == 0 && headDim <= 1024,
        "head dimension " + headDim + " is invalid");
    check(
        vocabSize > 0 && vocabSize <= MAX_VOCAB,
        "vocabulary size " + vocabSize + " is outside 1.." + MAX_VOCAB);
    check(
        contextLength > 0 && contextLength <= MAX_CONTEXT,
        "context length " + contextLength + " is out of range");
    check(ropeTheta > 0 && Float.isFinite(ropeTheta), "rope theta " + ropeTheta + " is invalid");
    check(rmsEps > 0 && rmsEps < 1, "rms epsilon " + rmsEps + " is invalid");
    check(family != null, "family parameters are missing");
    check(
        family.ropeDim() > 0 && family.ropeDim() % 2 == 0 && family.ropeDim() <= headDim,
        "rope dimension count "
            + family.ropeDim()
            + " must be even and within 1..head dimension "
            + headDim);
    check(
        family.slidingWindow() >= 0 && family.slidingWindow() <= MAX_CONTEXT,
        "sliding window " + family.slidingWindow() + " is outside 0.." + MAX_CONTEXT);
    check(
        family.slidingPeriod() >= 1 && family.slidingPeriod() <= MAX_LAYERS,
        "sliding-window layer period " + family.slidingPeriod() + " is outside 1.." + MAX_LAYERS);
    check(
        family.slidingRopeTheta() > 0 && Float.isFinite(family.slidingRopeTheta()),
        "sliding-window rope theta " + family.slidingRopeTheta() + " is invalid");
    check(
        family.ropeFreqScale() > 0
            && family.ropeFreqScale() <= 1
            && family.slidingRopeFreqScale() > 0
            && family.slidingRopeFreqScale() <= 1,
        "rope frequency scale "
            + family.ropeFreqScale()
            + "/"
            + family.slidingRopeFreqScale()
            + " is outside (0, 1] (a scaling factor below 1)");
    check(
        family.attnSoftcap() >= 0 && family.attnSoftcap() <= MAX_SOFTCAP,
        "attention soft-cap " + family.attnSoftcap() + " is outside 0.." + MAX_SOFTCAP);
    check(
        family.finalSoftcap() >= 0 && family.finalSoftcap() <= MAX_SOFTCAP,
        "final logit soft-cap " + family.finalSoftcap() + " is outside 0.." + MAX_SOFTCAP);
    check(
        family.attentionDivisor() > 0 && Float.isFinite(family.attentionDivisor()),
        "attention score divisor " + family.attentionDivisor() + " is invalid");
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
