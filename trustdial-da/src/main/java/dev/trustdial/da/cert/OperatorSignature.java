package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Signature;

/** An attestation signature by the operator at {@code operatorIndex} of the reference-block set. */
public record OperatorSignature(int operatorIndex, Signature signature) {
  public OperatorSignature {
    if (operatorIndex < 0 || operatorIndex > 0xffff) {
      throw new InvalidInputException("operator index must be 0..65535, got " + operatorIndex);
    }
  }
}
