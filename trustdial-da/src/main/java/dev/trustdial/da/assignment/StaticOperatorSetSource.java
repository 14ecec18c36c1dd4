package dev.trustdial.da.assignment;

import dev.trustdial.core.InvalidInputException;

/**
 * A fixed operator set valid at one reference block: for local networks without a chain, and tests.
 */
public record StaticOperatorSetSource(OperatorSet set) implements OperatorSetSource {
  @Override
  public OperatorSet current() {
    return set;
  }

  @Override
  public OperatorSet at(long referenceBlock) {
    if (referenceBlock != set.referenceBlock()) {
      throw new InvalidInputException(
          "no operator set known at reference block "
              + referenceBlock
              + " (this network's set is fixed at block "
              + set.referenceBlock()
              + ")");
    }
    return set;
  }
}
