package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import java.util.OptionalLong;

/**
 * The guest did something the VM spec gives no transition for (illegal instruction, misaligned
 * pc, out-of-range access, unknown ecall, a resource limit). The machine stays at the state before
 * the faulting step; a job that faults has no result. Maps to CLI exit 2.
 */
public final class GuestFault extends InvalidInputException {
  private final long step;
  private final int pc;
  private final long outputLimit;

  public GuestFault(long step, int pc, String reason) {
    this(step, pc, reason, -1);
  }

  private GuestFault(long step, int pc, String reason, long outputLimit) {
    super(String.format("guest fault at step %d, pc 0x%08x: %s", step, pc, reason));
    this.step = step;
    this.pc = pc;
    this.outputLimit = outputLimit;
  }

  /** A write that would take the output past {@code limit} bytes, with {@code written} bytes out already. */
  public static GuestFault outputLimit(long step, int pc, long limit, long written) {
    return new GuestFault(step, pc, String.format("output limit reached (the limit is %d bytes; %d were written before the write that "
        + "would pass it)", limit, written), limit);
  }

  /** The output limit this fault hit, when the fault is the output limit. */
  public OptionalLong outputLimit() {
    return outputLimit < 0 ? OptionalLong.empty() : OptionalLong.of(outputLimit);
  }

  public long step() {
    return step;
  }

  public int pc() {
    return pc;
  }
}
