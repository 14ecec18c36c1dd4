package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/** A job as JobManager records it. Optional fields are empty until the job reaches that stage. */
public record JobInfo(
    BigInteger jobId,
    BigInteger appId,
    Address submitter,
    Bytes32 inputBlobKey,
    Bytes32 inputDigest,
    long maxSteps,
    BigInteger fee,
    JobStatus status,
    Address assignee,
    long attempt,
    long deadline,
    long lastStep,
    Bytes32 lastStateHash,
    Bytes32 lastCheckpointBlobKey,
    Optional<ResultCommitment> result,
    Bytes32 outputBlobKey,
    Address resultOperator,
    long challengeDeadline,
    Address challenger,
    BigInteger bond) {}
