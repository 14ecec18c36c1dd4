package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * The port through which a {@link GamePlayer} sees and moves in ObjectiveCourt matches, as one
 * account: the chain ({@link ChainGameBoard}) or a seeded simulation. A refused move throws (on the
 * chain: ContractRevertException, nothing sent).
 */
public interface GameBoard {
  /** The account this board moves as. */
  Address self();

  /** Now, in the court's time (the latest block's timestamp). */
  long now();

  ObjectiveMatch match(BigInteger disputeId);

  ObjectiveCourtClient.Predecessor predecessorOf(BigInteger disputeId);

  /**
   * Whether the match's job is no longer disputed at the match's attempt (closeMoot would succeed).
   */
  boolean moot(ObjectiveMatch match);

  TxOutcome start(BigInteger disputeId, Bytes32 left, Bytes32 right);

  TxOutcome bisect(
      BigInteger disputeId, Bytes32 myLeft, Bytes32 myRight, Bytes32 nextLeft, Bytes32 nextRight);

  TxOutcome openStride(
      BigInteger disputeId,
      Bytes32 stepRoot,
      List<Bytes32> lastLeafProof,
      Bytes32 left,
      Bytes32 right);

  TxOutcome proveStep(
      BigInteger disputeId, byte[] preState, List<Bytes32> predecessorProof, byte[] stepProof);

  TxOutcome timeout(BigInteger disputeId);

  TxOutcome closeMoot(BigInteger disputeId);
}
