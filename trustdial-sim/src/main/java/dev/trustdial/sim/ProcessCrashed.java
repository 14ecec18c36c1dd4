package dev.trustdial.sim;

/**
 * Thrown by a simulated process's ports once it is killed: the task that was running ends there.
 */
public final class ProcessCrashed extends RuntimeException {
  public ProcessCrashed(String process) {
    super(process + " was killed", null, false, false);
  }
}
