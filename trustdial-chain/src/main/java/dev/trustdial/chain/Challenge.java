package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/**
 * JobManager's side of a dispute (JobManager.getDispute): who challenged which attempt of which job
 * with which commitment, the bond, and the verdict once the court resolved it.
 */
public record Challenge(
    BigInteger disputeId,
    BigInteger jobId,
    Address challenger,
    long attempt,
    boolean resolved,
    Verdict verdict,
    BigInteger bond,
    ResultCommitment claim) {}
