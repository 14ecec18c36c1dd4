package dev.trustdial.vm.jit;

import dev.trustdial.vm.memory.Memory;

/**
 * One translated region of guest code (hidden classes made by {@link RegionCompiler}). Public only
 * because a hidden class must see it; nothing outside this package calls it.
 */
public interface CompiledRegion {
  /**
   * Runs from {@code pc} (one of the region's entries) for at most {@code left} steps and returns
   * {@code (nextPc << 32) | stepsLeft}. It stops before any block that does not fit in the steps
   * left, before any instruction the interpreter must execute (ecall, fault, slow memory access),
   * after a store that hit a page with decoded code, and where control leaves the region.
   */
  long run(int[] x, Memory mem, int pc, int left);
}
