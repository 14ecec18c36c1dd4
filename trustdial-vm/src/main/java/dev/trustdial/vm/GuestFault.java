package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import java.util.OptionalLong;

/**
 * The guest's step {@link #step()} faulted (docs/spec/vm.md §6): the machine is now in the faulted
 * terminal state (its step is {@code step() + 1}, its status 2, its exitCode the fault class), and
 * pc, registers, memory and I/O are as they were before the faulting instruction. A job that faults
 * has no output. Maps to CLI exit 2.
 */
public final class GuestFault extends InvalidInputException {
  private final long step;
  private final int pc;
  private final FaultClass faultClass;
  private final long outputLimit;

  public GuestFault(long step, int pc, FaultClass faultClass, String reason) {
    this(step, pc, faultClass, reason, -1);
  }

  private GuestFault(long step, int pc, FaultClass faultClass, String reason, long outputLimit) {
    super(String.format("guest fault at step %d, pc 0x%08x: %s", step, pc, reason));
    this.step = step;
    this.pc = pc;
    this.faultClass = faultClass;
    this.outputLimit = outputLimit;
  }

  /**
   * A write that would take the output past {@code limit} bytes, with {@code written} bytes out
   * already.
   */
  public static GuestFault outputLimit(long step, int pc, long limit, long written) {
    return new GuestFault(
        step,
        pc,
        FaultClass.OUTPUT_LIMIT,
        String.format(
            "output limit reached (the limit is %d bytes; %d were written "
                + "before the write that would pass it)",
            limit, written),
        limit);
  }

  /** The output limit this fault hit, when the fault is the output limit. */
  public OptionalLong outputLimit() {
    return outputLimit < 0 ? OptionalLong.empty() : OptionalLong.of(outputLimit);
  }

  /** The faulting step's index s (the faulted state's step is s + 1). */
  public long step() {
    return step;
  }

  public int pc() {
    return pc;
  }

  public FaultClass faultClass() {
    return faultClass;
  }
}
