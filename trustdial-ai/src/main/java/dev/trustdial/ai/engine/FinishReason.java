package dev.trustdial.ai.engine;

/** Why a generation ended. */
public enum FinishReason {
  /** A stop token was sampled (it is not part of the output). */
  STOP,
  /** maxTokens or the context length was reached. */
  LENGTH,
  /** The sink asked to stop. */
  CANCELLED
}
