package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.state.VmState;

/**
 * The app parameters that go into a job's initial state (docs/spec/vm.md §3: {@code ramEnd} and
 * {@code outputLimit}, enforced by the step function), plus host-side settings that never change
 * the state transition: the checkpoint stride, how much guest RAM this host will hold (a program
 * whose window needs more is refused before it runs) and the largest input it accepts.
 *
 * @param checkpointEvery steps between checkpoints (2^20 by default)
 * @param ramEnd end of the RAM window [0x10000, ramEnd): a multiple of 4096, at most 0x80000000
 * @param outputLimit most output bytes the guest may write (a longer write faults with class 5)
 * @param hostMemoryBytes guest RAM this host holds; ramEnd - 0x10000 must not exceed it
 * @param maxInputBytes largest job input accepted
 * @param jit whether runs translate hot guest code to JVM bytecode ({@link
 *     dev.trustdial.vm.jit.Jit}); the states, checkpoints and faults are the interpreter's either
 *     way
 */
public record VmConfig(
    long checkpointEvery,
    long ramEnd,
    long outputLimit,
    long hostMemoryBytes,
    int maxInputBytes,
    boolean jit) {
  public static final long DEFAULT_STRIDE = 1L << 20;
  public static final long DEFAULT_RAM_END = 0x2001_0000L;
  public static final long DEFAULT_OUTPUT_LIMIT = 64L << 20;
  public static final long DEFAULT_HOST_MEMORY = 512L << 20;

  /** The host keeps the output as one byte array. */
  public static final long MAX_OUTPUT_LIMIT = Integer.MAX_VALUE - 8;

  /** Runs use the JIT unless a caller turns it off ({@link #withJit}). */
  public static final boolean DEFAULT_JIT = true;

  public VmConfig {
    if (checkpointEvery < 1) {
      throw new InvalidInputException(
          "checkpoint stride must be at least 1, got " + checkpointEvery);
    }
    if (!VmState.validRamEnd(ramEnd) || ramEnd != (ramEnd & 0xffff_ffffL)) {
      throw new InvalidInputException(
          String.format(
              "ramEnd must be a multiple of 4096 in (0x10000, 0x80000000], got 0x%x", ramEnd));
    }
    if (outputLimit < 0 || outputLimit > MAX_OUTPUT_LIMIT) {
      throw new InvalidInputException(
          "output limit must be 0.." + MAX_OUTPUT_LIMIT + " bytes, got " + outputLimit);
    }
    if (hostMemoryBytes < 4096 || hostMemoryBytes > (1L << 31)) {
      throw new InvalidInputException(
          "host guest-memory allowance must be 4 KiB..2 GiB, got " + hostMemoryBytes);
    }
    if (maxInputBytes < 0) {
      throw new InvalidInputException("input limit must be non-negative");
    }
  }

  /** With the default JIT setting. */
  public VmConfig(
      long checkpointEvery,
      long ramEnd,
      long outputLimit,
      long hostMemoryBytes,
      int maxInputBytes) {
    this(checkpointEvery, ramEnd, outputLimit, hostMemoryBytes, maxInputBytes, DEFAULT_JIT);
  }

  public static VmConfig defaults() {
    return new VmConfig(
        DEFAULT_STRIDE,
        DEFAULT_RAM_END,
        DEFAULT_OUTPUT_LIMIT,
        DEFAULT_HOST_MEMORY,
        256 << 20,
        DEFAULT_JIT);
  }

  public VmConfig withJit(boolean on) {
    return new VmConfig(checkpointEvery, ramEnd, outputLimit, hostMemoryBytes, maxInputBytes, on);
  }

  public VmConfig withCheckpointEvery(long stride) {
    return new VmConfig(stride, ramEnd, outputLimit, hostMemoryBytes, maxInputBytes, jit);
  }

  public VmConfig withRamEnd(long end) {
    return new VmConfig(checkpointEvery, end, outputLimit, hostMemoryBytes, maxInputBytes, jit);
  }

  public VmConfig withOutputLimit(long limit) {
    return new VmConfig(checkpointEvery, ramEnd, limit, hostMemoryBytes, maxInputBytes, jit);
  }

  public VmConfig withHostMemoryBytes(long bytes) {
    return new VmConfig(checkpointEvery, ramEnd, outputLimit, bytes, maxInputBytes, jit);
  }

  /** Bytes of guest RAM a state with this ramEnd needs: ramEnd - 0x10000. */
  public static long windowBytes(long ramEnd) {
    return (ramEnd & 0xffff_ffffL) - VmState.RAM_BASE;
  }

  /** Refuses, before anything runs, a window this host cannot hold. */
  void checkHostHolds(long stateRamEnd) {
    long needs = windowBytes(stateRamEnd);
    if (needs > hostMemoryBytes) {
      throw new InvalidInputException(
          String.format(
              "program needs %d bytes of RAM (ramEnd 0x%08x), host allows %d",
              needs, stateRamEnd, hostMemoryBytes));
    }
  }
}
