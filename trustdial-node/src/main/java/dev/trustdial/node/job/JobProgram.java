package dev.trustdial.node.job;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;

/**
 * What a node runs for one job: the ELF, its envelope, and the digests they were checked against.
 */
public record JobProgram(
    byte[] elf, JobEnvelope envelope, Bytes32 programDigest, Bytes32 inputDigest) {
  public JobProgram {
    elf = elf.clone();
  }

  @Override
  public byte[] elf() {
    return elf.clone();
  }
}
