package dev.trustdial.chain;

/** IDisputeCourt.Verdict, in onchain order (docs/spec/settlement.md §5). */
public enum Verdict {
  NONE,
  /**
   * A majority of the votes cast confirmed the operator's commitment: the challenger's bond is
   * forfeited.
   */
  OPERATOR_WINS,
  /**
   * ... the challenger's commitment: the operator is slashed and the challenger's claim is the
   * result.
   */
  CHALLENGER_WINS,
  /** ... a third commitment: the operator is slashed, the bond forfeited, the job queued again. */
  BOTH_WRONG,
  /**
   * Too little snapshot stake voted: nobody is slashed, the bond returns, and the result does not
   * finalize: when its last dispute closes it is dropped and the job queued again without its
   * operator (settlement.md §5).
   */
  NO_QUORUM,
  /** No commitment won more than half of the votes cast: as {@link #NO_QUORUM}. */
  NO_MAJORITY,
  /**
   * The objective court proved one step of the operator's trace wrong (or its clock ran out): the
   * operator is slashed, the challenger's bond returns with a reward, the job is queued again
   * (docs/spec/objective.md §4.5).
   */
  OPERATOR_REFUTED;

  public static Verdict fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalStateException("unknown verdict code onchain: " + code);
    }
    return values()[code];
  }

  /**
   * Whether the votes decided something (so majority voters are paid and the others penalised);
   * never for the objective court.
   */
  public boolean decided() {
    return this == OPERATOR_WINS || this == CHALLENGER_WINS || this == BOTH_WRONG;
  }
}
