package dev.trustdial.ai.engine;

import dev.trustdial.core.InvalidInputException;
import java.util.Objects;

/**
 * How an engine runs. With {@link Profile#DETERMINISTIC} none of these change any output bit
 * (determinism.md): they trade speed and memory only.
 *
 * @param threads worker threads for matmuls and attention (1..256)
 * @param maxBatch most sequences decoded together in one step (1..256)
 * @param prefillChunk most prompt tokens of one sequence fed in one step (1..4096)
 * @param nativeKernels use the native C kernels when the library loads (else pure Java, same bits)
 * @param profile the determinism rules, or the benchmark's baseline without them
 * @param observer hears the steps of each forward pass (benchmarks); {@link StepObserver#NONE} by
 *     default
 */
public record EngineOptions(
    int threads,
    int maxBatch,
    int prefillChunk,
    boolean nativeKernels,
    Profile profile,
    StepObserver observer) {

  /** Which arithmetic the engine runs. */
  public enum Profile {
    /** The determinism rules of docs/spec/determinism.md; what every product path runs. */
    DETERMINISTIC,
    /**
     * Benchmark only: the rules off (Math instead of StrictMath, llama.cpp-style lane accumulation
     * in the relaxed native kernels, which only bench/ai's build of the library has), to measure
     * what determinism costs. The engine reports {@link Engine#RELAXED_PROFILE}, so no receipt can
     * claim reproducibility.
     */
    RELAXED_BASELINE
  }

  public EngineOptions {
    if (threads < 1 || threads > 256) {
      throw new InvalidInputException("threads must be 1..256, got " + threads);
    }
    if (maxBatch < 1 || maxBatch > 256) {
      throw new InvalidInputException("maxBatch must be 1..256, got " + maxBatch);
    }
    if (prefillChunk < 1 || prefillChunk > 4096) {
      throw new InvalidInputException("prefillChunk must be 1..4096, got " + prefillChunk);
    }
    Objects.requireNonNull(profile);
    Objects.requireNonNull(observer);
  }

  /** Deterministic, observed by no one. */
  public EngineOptions(int threads, int maxBatch, int prefillChunk, boolean nativeKernels) {
    this(threads, maxBatch, prefillChunk, nativeKernels, Profile.DETERMINISTIC, StepObserver.NONE);
  }

  public static EngineOptions defaults() {
    return new EngineOptions(Math.max(1, Runtime.getRuntime().availableProcessors()), 16, 64, true);
  }

  public EngineOptions withThreads(int n) {
    return new EngineOptions(n, maxBatch, prefillChunk, nativeKernels, profile, observer);
  }

  public EngineOptions withPrefillChunk(int n) {
    return new EngineOptions(threads, maxBatch, n, nativeKernels, profile, observer);
  }

  public EngineOptions withNativeKernels(boolean on) {
    return new EngineOptions(threads, maxBatch, prefillChunk, on, profile, observer);
  }

  public EngineOptions withProfile(Profile p) {
    return new EngineOptions(threads, maxBatch, prefillChunk, nativeKernels, p, observer);
  }

  public EngineOptions withObserver(StepObserver o) {
    return new EngineOptions(threads, maxBatch, prefillChunk, nativeKernels, profile, o);
  }
}
