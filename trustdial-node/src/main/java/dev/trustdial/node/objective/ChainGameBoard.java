package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.List;

/** {@link GameBoard} over the deployed ObjectiveCourt, as the account of {@code settlement}. */
public final class ChainGameBoard implements GameBoard {
  private final Settlement settlement;
  private final ObjectiveCourtClient court;

  public ChainGameBoard(Settlement settlement) {
    this(settlement, ObjectiveCourtClient.of(settlement));
  }

  public ChainGameBoard(Settlement settlement, ObjectiveCourtClient court) {
    if (!court.account().equals(settlement.account())) {
      throw new IllegalArgumentException(
          "the court client acts as "
              + court.account()
              + ", the settlement as "
              + settlement.account());
    }
    this.settlement = settlement;
    this.court = court;
  }

  @Override
  public Address self() {
    return settlement.account();
  }

  @Override
  public long now() {
    return settlement.chainTime();
  }

  @Override
  public ObjectiveMatch match(BigInteger disputeId) {
    return court.match(disputeId);
  }

  @Override
  public ObjectiveCourtClient.Predecessor predecessorOf(BigInteger disputeId) {
    return court.predecessorOf(disputeId);
  }

  @Override
  public boolean moot(ObjectiveMatch match) {
    return court.moot(match);
  }

  @Override
  public TxOutcome start(BigInteger disputeId, Bytes32 left, Bytes32 right) {
    return court.start(disputeId, left, right);
  }

  @Override
  public TxOutcome bisect(
      BigInteger disputeId, Bytes32 myLeft, Bytes32 myRight, Bytes32 nextLeft, Bytes32 nextRight) {
    return court.bisect(disputeId, myLeft, myRight, nextLeft, nextRight);
  }

  @Override
  public TxOutcome openStride(
      BigInteger disputeId,
      Bytes32 stepRoot,
      List<Bytes32> lastLeafProof,
      Bytes32 left,
      Bytes32 right) {
    return court.openStride(disputeId, stepRoot, lastLeafProof, left, right);
  }

  @Override
  public TxOutcome proveStep(
      BigInteger disputeId, byte[] preState, List<Bytes32> predecessorProof, byte[] stepProof) {
    return court.proveStep(disputeId, preState, predecessorProof, stepProof);
  }

  @Override
  public TxOutcome timeout(BigInteger disputeId) {
    return court.timeout(disputeId);
  }

  @Override
  public TxOutcome closeMoot(BigInteger disputeId) {
    return court.closeMoot(disputeId);
  }
}
