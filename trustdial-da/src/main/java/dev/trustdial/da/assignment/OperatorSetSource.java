package dev.trustdial.da.assignment;

/**
 * Where the DA operator set comes from: the StakeRegistry onchain, or a fixed list for local runs
 * and tests.
 */
public interface OperatorSetSource {
  /** The operator set to disperse against now (its reference block is the latest usable one). */
  OperatorSet current();

  /**
   * The operator set as it was at {@code referenceBlock}, however old that block is: readers and
   * verifiers of a stored blob need the set of its own reference block for the blob's whole
   * retention. An InvalidInputException if unknown.
   */
  OperatorSet at(long referenceBlock);

  /**
   * The set of {@code referenceBlock} for a DA node deciding whether to store and sign a new blob:
   * {@link #at} plus the source's freshness rule, which refuses reference blocks too far behind the
   * head (BlobRegistry would refuse such a certificate anyway). No freshness rule by default.
   */
  default OperatorSet forSigning(long referenceBlock) {
    return at(referenceBlock);
  }
}
