package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;

/** Transformer families the forward pass implements. */
public enum Architecture {
  /**
   * Llama 2/3, TinyLlama, SmolLM, Mistral, llama2.c: RoPE on adjacent pairs, no biases; optional
   * per-frequency RoPE factors ({@code rope_freqs}, Llama 3.1) and sliding window (Mistral).
   */
  LLAMA("llama", RopeStyle.ADJACENT_PAIRS),
  /** Qwen2: RoPE on split halves, biases on q/k/v. */
  QWEN2("qwen2", RopeStyle.SPLIT_HALVES),
  /** Qwen3: RoPE on split halves, per-head RMS norm of q and k (QK-norm), no biases. */
  QWEN3("qwen3", RopeStyle.SPLIT_HALVES),
  /**
   * Phi-3: fused QKV ({@code attn_qkv}) and gate/up ({@code ffn_up}, gate rows first), partial
   * rotary.
   */
  PHI3("phi3", RopeStyle.SPLIT_HALVES),
  /**
   * Gemma 2: embedding scaled by sqrt(dim), GeGLU, post-attention and post-feed-forward norms,
   * attention and final logit soft-capping, sliding window on every other layer.
   */
  GEMMA2("gemma2", RopeStyle.SPLIT_HALVES),
  /**
   * Gemma 3: Gemma 2 without soft-capping, with QK-norm and 5 sliding layers to 1 global (own RoPE
   * base).
   */
  GEMMA3("gemma3", RopeStyle.SPLIT_HALVES);

  private final String ggufName;
  private final RopeStyle ropeStyle;

  Architecture(String ggufName, RopeStyle ropeStyle) {
    this.ggufName = ggufName;
    this.ropeStyle = ropeStyle;
  }

  public String ggufName() {
    return ggufName;
  }

  public RopeStyle ropeStyle() {
    return ropeStyle;
  }

  public static Architecture fromGguf(String name) {
    for (Architecture a : values()) {
      if (a.ggufName.equals(name)) {
        return a;
      }
    }
    throw new InvalidInputException(
        "model architecture '"
            + name
            + "' is not supported (supported: llama, qwen2, qwen3, phi3, gemma2, gemma3)");
  }

  /**
   * Gemma: GeGLU feed-forward, extra norms after attention and feed-forward, sqrt(dim) embedding
   * scale.
   */
  public boolean gemma() {
    return this == GEMMA2 || this == GEMMA3;
  }

  /** Which elements of a head RoPE rotates together. */
  public enum RopeStyle {
    /** (2i, 2i+1), as llama2.c and GGUF llama (GGML "normal" mode). */
    ADJACENT_PAIRS,
    /** (i, i + headDim/2), GGML "neox" mode. */
    SPLIT_HALVES
  }
}
