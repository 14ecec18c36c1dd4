package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;

/**
 * No proof exists for this input: the circuit's witness generator refuses it (an assert or a
 * constraint of the circuit fails for it), or the input does not fit the circuit. An operator
 * declines such a job (docs/spec/zk.md §4, "Liveness and bad jobs").
 */
public class UnprovableInputException extends InvalidInputException {
  public UnprovableInputException(String message) {
    super(message);
  }
}
