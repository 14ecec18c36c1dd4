package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;

/** The guest did not exit within the allowed steps; the machine is paused, not faulted. */
public final class StepLimitExceededException extends InvalidInputException {
  public StepLimitExceededException(long maxSteps, String stateHash) {
    super(
        "step limit of " + maxSteps + " reached before the guest exited (state " + stateHash + ")");
  }
}
