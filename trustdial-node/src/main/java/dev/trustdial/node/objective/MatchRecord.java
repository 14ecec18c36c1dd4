package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import java.math.BigInteger;

/**
 * What a node keeps about one ObjectiveCourt match it plays, so that a restarted node plays it on
 * (docs/spec/objective.md §6): the match, the job and attempt whose trace it is, our side, the
 * trace root we committed, and the devnet lie we committed (0: honest). The trace itself is rebuilt
 * from the job (program and input as {@link ObjectiveJob} fetches them, shape from the pinned app
 * config and maxSteps); the court holds every other fact of the match.
 *
 * @param lieAtStep the TraceLie our committed trace carries (devnet only), 0 for an honest trace
 */
public record MatchRecord(
    BigInteger disputeId,
    BigInteger jobId,
    long attempt,
    Side side,
    Bytes32 traceRoot,
    long lieAtStep) {
  public MatchRecord {
    if (disputeId.signum() < 0 || jobId.signum() < 0) {
      throw new InvalidInputException(
          "a match record needs non-negative dispute and job ids, got " + disputeId + ", " + jobId);
    }
    if (attempt < 0 || lieAtStep < 0) {
      throw new InvalidInputException(
          "a match record needs a non-negative attempt and lie step, got "
              + attempt
              + ", "
              + lieAtStep);
    }
  }
}
