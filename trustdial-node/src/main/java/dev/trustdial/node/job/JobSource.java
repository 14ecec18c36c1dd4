package dev.trustdial.node.job;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;

/** Fetches a job's envelope and program from DA and checks them against the onchain digests. */
public final class JobSource {
  private final DataAvailability da;

  public JobSource(DataAvailability da) {
    this.da = da;
  }

  public JobProgram fetch(JobInfo job, AppInfo app) {
    if (app.mode() != TrustMode.REEXEC_INTERSUBJECTIVE && app.mode() != TrustMode.REEXEC_OBJECTIVE) {
      throw new InvalidInputException("job " + job.jobId() + " belongs to a " + app.mode() + " app; this node runs REEXEC jobs only");
    }
    byte[] envelopeBytes = da.get(job.inputBlobKey());
    Bytes32 inputDigest = Hashes.keccak256(envelopeBytes);
    if (!inputDigest.equals(job.inputDigest())) {
      throw new InvalidInputException("job " + job.jobId() + ": input blob hashes to " + inputDigest + ", not the onchain " + job.inputDigest());
    }
    JobEnvelope envelope = JobEnvelope.decode(envelopeBytes);
    byte[] elf = da.get(envelope.programBlobKey());
    Bytes32 programDigest = Hashes.keccak256(elf);
    if (!programDigest.equals(app.programDigest())) {
      throw new InvalidInputException("job " + job.jobId() + ": program blob hashes to " + programDigest
          + ", not app " + app.appId() + "'s digest " + app.programDigest());
    }
    return new JobProgram(elf, envelope, programDigest, inputDigest);
  }

  public byte[] snapshot(Bytes32 blobKey) {
    return da.get(blobKey);
  }
}
