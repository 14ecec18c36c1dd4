package dev.trustdial.explorer.detail;

import dev.trustdial.core.InvalidInputException;

/** Another re-execution is running (the explorer runs one at a time): HTTP 429. */
public final class ReexecutionBusyException extends InvalidInputException {
  public ReexecutionBusyException(String message) {
    super(message);
  }
}
