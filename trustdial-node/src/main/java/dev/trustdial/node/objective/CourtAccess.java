package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.Settlement;

/**
 * What REEXEC_OBJECTIVE work needs beyond the settlement port: the objective apps' pinned configs,
 * the input oracle and the court's prestate ({@link ObjectiveReads}), and the board matches are
 * played on.
 */
public record CourtAccess(ObjectiveReads reads, GameBoard board) {
  /**
   * No court: a node that runs where no ObjectiveCourt is reachable. Such a node declines objective
   * jobs ({@link ObjectiveJob.Unrunnable}) and never challenges objective results.
   */
  public static final CourtAccess NONE = new CourtAccess(null, null);

  public boolean available() {
    return reads != null && board != null;
  }

  /** Over the contracts of {@code chain}'s deployment, as its account. */
  public static CourtAccess onChain(Settlement chain) {
    ObjectiveCourtClient court = ObjectiveCourtClient.of(chain);
    return new CourtAccess(
        ObjectiveReads.onChain(ObjectiveApps.of(chain), court), new ChainGameBoard(chain, court));
  }
}
