package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import java.math.BigInteger;

/** An intersubjective dispute: the two commitments and the stake that voted for each. */
public record DisputeInfo(
    BigInteger jobId,
    Bytes32 operatorCommitment,
    Bytes32 challengerCommitment,
    long deadline,
    BigInteger operatorStake,
    BigInteger challengerStake,
    boolean resolved,
    boolean operatorWins) {}
