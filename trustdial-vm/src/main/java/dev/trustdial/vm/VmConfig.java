package dev.trustdial.vm;

/**
 * Host-side limits and the checkpoint stride. None of these change the state transition; they
 * only decide where a run stops or emits a checkpoint.
 *
 * @param checkpointEvery steps between checkpoints (2^20 by default)
 * @param maxMemoryBytes guest pages the host will allocate, in bytes (4 KiB granularity)
 * @param maxInputBytes largest job input accepted
 * @param maxOutputBytes largest output a guest may write
 */
public record VmConfig(long checkpointEvery, long maxMemoryBytes, int maxInputBytes, int maxOutputBytes) {
  public static final long DEFAULT_STRIDE = 1L << 20;

  public VmConfig {
    if (checkpointEvery < 1) {
      throw new dev.trustdial.core.InvalidInputException("checkpoint stride must be at least 1, got " + checkpointEvery);
    }
    if (maxMemoryBytes < 4096 || maxMemoryBytes > (1L << 31)) {
      throw new dev.trustdial.core.InvalidInputException("guest memory limit must be 4 KiB..2 GiB, got " + maxMemoryBytes);
    }
    if (maxInputBytes < 0 || maxOutputBytes < 0) {
      throw new dev.trustdial.core.InvalidInputException("input/output limits must be non-negative");
    }
  }

  public static VmConfig defaults() {
    return new VmConfig(DEFAULT_STRIDE, 512L << 20, 256 << 20, 64 << 20);
  }

  public VmConfig withCheckpointEvery(long stride) {
    return new VmConfig(stride, maxMemoryBytes, maxInputBytes, maxOutputBytes);
  }
}
