package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;

/**
 * The guest did something the VM spec gives no transition for (illegal instruction, misaligned
 * pc, out-of-range access, unknown ecall, a resource limit). The machine stays at the state before
 * the faulting step; a job that faults has no result. Maps to CLI exit 2.
 */
public final class GuestFault extends InvalidInputException {
  private final long step;
  private final int pc;

  public GuestFault(long step, int pc, String reason) {
    super(String.format("guest fault at step %d, pc 0x%08x: %s", step, pc, reason));
    this.step = step;
    this.pc = pc;
  }

  public long step() {
    return step;
  }

  public int pc() {
    return pc;
  }
}
