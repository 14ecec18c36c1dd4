package dev.trustdial.ai.engine;

/**
 * Hears which step of the forward pass or the sampler the engine is in, for benchmarks (bench/ai
 * times the steps with one). Called on the scheduler thread; it never changes a computed value.
 * {@link #NONE}, the default of {@link EngineOptions}, hears nothing.
 */
public interface StepObserver {

  /** The steps, in forward-pass order. */
  enum Step {
    EMBED_ROPE_FACTORS,
    RMSNORM,
    QKV_MATMUL,
    QK_ROPE_KV_STORE,
    ATTENTION,
    WO_MATMUL,
    RESIDUAL,
    GATE_UP_MATMUL_SWIGLU,
    DOWN_MATMUL,
    OUTPUT_MATMUL,
    SAMPLING
  }

  StepObserver NONE = new StepObserver() {};

  /** A forward pass over {@code tokens} batch tokens starts. */
  default void batch(int tokens) {}

  /** {@code step} starts; the step before it, if any, has ended. */
  default void begin(Step step) {}

  /** The current step has ended. */
  default void end() {}
}
