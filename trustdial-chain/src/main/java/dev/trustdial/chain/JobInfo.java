package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A job as JobManager records it. Optional fields are empty until the job reaches that stage; the
 * assignee is the zero address while the job is queued. Disputes are separate ({@link
 * DisputeInfo}).
 */
public record JobInfo(
    BigInteger jobId,
    BigInteger appId,
    Address submitter,
    Bytes32 inputBlobKey,
    Bytes32 inputDigest,
    long maxSteps,
    BigInteger fee,
    BigInteger deposit,
    JobStatus status,
    Address assignee,
    long attempt,
    long deadline,
    long expiresAt,
    long seedBlock,
    long snapshotBlock,
    long lastStep,
    Bytes32 lastStateHash,
    Bytes32 lastCheckpointBlobKey,
    Optional<ResultCommitment> result,
    Bytes32 outputBlobKey,
    Address resultOperator,
    long challengeDeadline,
    int openDisputes,
    long paramsVersion) {
  public JobInfo {
    if (lastStep < 0 || lastStep > maxSteps) {
      throw new IllegalStateException(
          "job " + jobId + ": lastStep " + lastStep + " outside 0.." + maxSteps);
    }
  }
}
