package dev.trustdial.explorer.index;

import dev.trustdial.chain.EventReader;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxFacts;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A live chain read through trustdial-chain's typed clients (read-only: the account never signs).
 */
public final class SettlementChainSource implements ChainSource {
  private final Settlement settlement;
  private final EventReader reader;
  private volatile Optional<ObjectiveCourtClient> objective = Optional.empty();

  public SettlementChainSource(Settlement settlement) {
    this.settlement = settlement;
    this.reader = settlement.events();
  }

  @Override
  public long head() {
    return settlement.blockNumber();
  }

  @Override
  public List<SettlementEvent> events(long from, long to) {
    return reader.read(from, to);
  }

  @Override
  public long blockTime(long block) {
    return settlement.blockTime(block);
  }

  @Override
  public TxFacts transaction(String txHash) {
    return settlement.transaction(txHash);
  }

  @Override
  public List<ObjectiveMatchEvent> matchEvents(BigInteger disputeId, long from, long to) {
    // The court may be registered after the explorer starts (governance, or the devnet's first
    // objective app).
    if (objective.isEmpty()) {
      objective =
          settlement
              .modeAdapterOf(TrustMode.REEXEC_OBJECTIVE.code())
              .map(court -> new ObjectiveCourtClient(settlement, court));
    }
    return objective.map(c -> c.events(disputeId, from, to)).orElse(List.of());
  }
}
