package dev.trustdial.da.assignment;

/**
 * Where the DA operator set comes from: the StakeRegistry onchain, or a fixed list for local runs
 * and tests.
 */
public interface OperatorSetSource {
  /** The operator set to disperse against now (its reference block is the latest usable one). */
  OperatorSet current();

  /** The operator set as it was at {@code referenceBlock}; an InvalidInputException if unknown. */
  OperatorSet at(long referenceBlock);
}
