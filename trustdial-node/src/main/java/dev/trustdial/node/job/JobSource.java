package dev.trustdial.node.job;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.tee.job.TeeJobInput;

/**
 * Fetches a job's envelope and program (ELF, GGUF, TEE artifact or ZK circuit artifact) from DA and
 * checks them against the digests onchain: the input digest of the job and the program digest
 * pinned at submission (an app upgrade mid-job changes nothing the job runs). A mismatch, or an
 * envelope or part list that cannot be parsed, is a {@link JobRejected}; DA trouble is not (the
 * blobs may come back).
 */
public final class JobSource {
  private final DataAvailability da;

  public JobSource(DataAvailability da) {
    this.da = da;
  }

  public JobProgram fetch(JobInfo job, JobPin pin) {
    if (pin.mode() != TrustMode.REEXEC_INTERSUBJECTIVE
        && pin.mode() != TrustMode.REEXEC_OBJECTIVE) {
      throw new InvalidInputException(
          "job "
              + job.jobId()
              + " belongs to a "
              + pin.mode()
              + " app; re-execution runs REEXEC jobs only");
    }
    JobEnvelope envelope = envelope(job);
    byte[] elf = ProgramBlobs.get(da, envelope.programBlobKey());
    checkProgramDigest(job, pin, elf, "program");
    return new JobProgram(elf, envelope, pin.programDigest(), job.inputDigest());
  }

  /** A TEE job's envelope (checked against the onchain digest) and its artifact archive. */
  public record TeeProgram(JobEnvelope envelope, byte[] archive) {}

  /**
   * Fetches a TEE job's envelope and artifact archive. The archive's digest is checked by the
   * runtime after unpacking (its {@code ArtifactDigest} against the pinned programDigest).
   */
  public TeeProgram fetchTee(JobInfo job, JobPin pin) {
    if (pin.mode() != TrustMode.TEE) {
      throw new InvalidInputException(
          "job " + job.jobId() + " belongs to a " + pin.mode() + " app, not a TEE app");
    }
    JobEnvelope envelope = envelope(job);
    if (!TeeJobInput.looksLikeTeeJob(envelope.input())) {
      throw new InvalidInputException(
          "job "
              + job.jobId()
              + ": a TEE job's input must be a TDTEEJB1 record (docs/spec/job-input.md)");
    }
    return new TeeProgram(envelope, ProgramBlobs.get(da, envelope.programBlobKey()));
  }

  /**
   * A ZK job's envelope (checked against the onchain digest) and its TDZKART1 artifact bytes
   * (checked against the pinned digest).
   */
  public record ZkProgram(JobEnvelope envelope, byte[] artifact) {}

  /**
   * Fetches a ZK job's envelope and circuit artifact (docs/spec/zk.md §3, §5): the artifact's
   * keccak256 must be the programDigest pinned for the job, as for an ELF.
   */
  public ZkProgram fetchZk(JobInfo job, JobPin pin) {
    if (pin.mode() != TrustMode.ZK) {
      throw new InvalidInputException(
          "job " + job.jobId() + " belongs to a " + pin.mode() + " app, not a ZK app");
    }
    JobEnvelope envelope = envelope(job);
    byte[] artifact = ProgramBlobs.get(da, envelope.programBlobKey());
    checkProgramDigest(job, pin, artifact, "circuit artifact");
    return new ZkProgram(envelope, artifact);
  }

  private static void checkProgramDigest(JobInfo job, JobPin pin, byte[] program, String what) {
    Bytes32 programDigest = Hashes.keccak256(program);
    if (!programDigest.equals(pin.programDigest())) {
      throw new JobRejected(
          RejectReason.PROGRAM_DIGEST_MISMATCH,
          "job "
              + job.jobId()
              + ": "
              + what
              + " blob hashes to "
              + programDigest
              + ", not the digest "
              + pin.programDigest()
              + " pinned for app "
              + job.appId()
              + " at submission");
    }
  }

  private JobEnvelope envelope(JobInfo job) {
    byte[] envelopeBytes = da.get(job.inputBlobKey());
    Bytes32 inputDigest = Hashes.keccak256(envelopeBytes);
    if (!inputDigest.equals(job.inputDigest())) {
      throw new JobRejected(
          RejectReason.INPUT_DIGEST_MISMATCH,
          "job "
              + job.jobId()
              + ": input blob hashes to "
              + inputDigest
              + ", not the onchain "
              + job.inputDigest());
    }
    try {
      return JobEnvelope.decode(envelopeBytes);
    } catch (InvalidInputException e) {
      throw new JobRejected(
          RejectReason.MALFORMED_ENVELOPE, "job " + job.jobId() + ": " + e.getMessage(), e);
    }
  }

  public byte[] snapshot(Bytes32 blobKey) {
    return da.get(blobKey);
  }
}
