package dev.trustdial.ai.engine;

import dev.trustdial.core.InvalidInputException;

/**
 * How an engine runs. None of these change any output bit (determinism.md): they trade speed and
 * memory only.
 *
 * @param threads worker threads for matmuls and attention (1..256)
 * @param maxBatch most sequences decoded together in one step (1..256)
 * @param prefillChunk most prompt tokens of one sequence fed in one step (1..4096)
 * @param nativeKernels use the native C kernels when the library loads (else pure Java, same bits)
 */
public record EngineOptions(int threads, int maxBatch, int prefillChunk, boolean nativeKernels) {
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
  }

  public static EngineOptions defaults() {
    return new EngineOptions(Math.max(1, Runtime.getRuntime().availableProcessors()), 16, 64, true);
  }

  public EngineOptions withThreads(int n) {
    return new EngineOptions(n, maxBatch, prefillChunk, nativeKernels);
  }

  public EngineOptions withPrefillChunk(int n) {
    return new EngineOptions(threads, maxBatch, n, nativeKernels);
  }

  public EngineOptions withNativeKernels(boolean on) {
    return new EngineOptions(threads, maxBatch, prefillChunk, on);
  }
}
