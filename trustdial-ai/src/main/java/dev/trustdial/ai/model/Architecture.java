package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;

/** Transformer families the forward pass implements. */
public enum Architecture {
  /** Llama 2/3, TinyLlama, SmolLM, Mistral, llama2.c: RoPE on adjacent pairs, no biases. */
  LLAMA("llama", RopeStyle.ADJACENT_PAIRS),
  /** Qwen2: RoPE on split halves, biases on q/k/v. */
  QWEN2("qwen2", RopeStyle.SPLIT_HALVES),
  /** Qwen3: RoPE on split halves, per-head RMS norm of q and k (QK-norm), no biases. */
  QWEN3("qwen3", RopeStyle.SPLIT_HALVES);

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
        "model architecture '" + name + "' is not supported (supported: llama, qwen2, qwen3)");
  }

  /** Which elements of a head RoPE rotates together. */
  public enum RopeStyle {
    /** (2i, 2i+1), as llama2.c and GGUF llama (GGML "normal" mode). */
    ADJACENT_PAIRS,
    /** (i, i + headDim/2), GGML "neox" mode. */
    SPLIT_HALVES
  }
}
