package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.WeightMatrix;

/** Placeholder until the native library lands; never constructed. */
public final class NativeKernels implements MatmulKernels {
  private NativeKernels() {}

  /** The native kernels when the library is present and loads; empty otherwise. */
  public static java.util.Optional<NativeKernels> load() {
    return java.util.Optional.empty();
  }

  @Override
  public String name() {
    return "native";
  }

  @Override
  public void matmul(WeightMatrix w, BatchActivations x, float[] out, int from, int to) {
    throw new UnsupportedOperationException("native kernels are not built yet");
  }
}
