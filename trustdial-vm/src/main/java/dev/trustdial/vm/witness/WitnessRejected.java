package dev.trustdial.vm.witness;

import dev.trustdial.core.InvalidInputException;

/** A step witness that does not prove its claimed transition. */
public final class WitnessRejected extends InvalidInputException {
  public WitnessRejected(String reason) {
    super("witness rejected: " + reason);
  }
}
