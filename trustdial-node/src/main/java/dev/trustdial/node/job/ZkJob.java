package dev.trustdial.node.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.zk.Groth16Proof;
import dev.trustdial.zk.ProveResult;
import dev.trustdial.zk.UnprovableInputException;
import dev.trustdial.zk.ZkArtifact;
import dev.trustdial.zk.ZkProver;
import dev.trustdial.zk.ZkWords;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's side of a ZK job (docs/spec/zk.md): decodes the artifact and the input words,
 * computes the witness and the Groth16 proof, and returns the output words with the proof in the
 * verifier's order. What no operator could prove (a malformed artifact or input, an input the
 * circuit refuses) is {@link Outcome.Unprovable}: the job is declined, since there is no outcome a
 * verifier would accept. Trouble with the prover itself (node missing, a crash) throws: the job
 * stays ours and is retried.
 */
public final class ZkJob {
  /** How proving a job ended. */
  public sealed interface Outcome {
    /** The output words (encoded, 32 bytes each) and the proof; {@code result} has the timings. */
    record Proven(byte[] output, ZkArtifact artifact, List<BigInteger> input, ProveResult result)
        implements Outcome {
      public List<BigInteger> proofWords() {
        return result.proof().words();
      }

      public double proveSeconds() {
        return (result.witnessTime().toNanos() + result.proveTime().toNanos()) / 1e9;
      }

      public String summary() {
        return String.format(
            "circuit %s, %d constraints, witness %.2f s, Groth16 proof %.2f s",
            artifact.manifest().circuit(),
            artifact.manifest().constraints(),
            result.witnessTime().toNanos() / 1e9,
            result.proveTime().toNanos() / 1e9);
      }
    }

    /** Nobody can prove this job; {@code reason} says why. */
    record Unprovable(String reason) implements Outcome {}
  }

  private final ZkProver prover;

  public ZkJob(ZkProver prover) {
    this.prover = prover;
  }

  public Outcome prove(BigInteger jobId, JobSource.ZkProgram program) {
    ZkArtifact artifact;
    try {
      artifact = ZkArtifact.decode(program.artifact());
    } catch (InvalidInputException e) {
      return new Outcome.Unprovable(
          "job " + jobId + ": its program is not a ZK circuit artifact: " + e.getMessage());
    }
    JobEnvelope envelope = program.envelope();
    List<BigInteger> input;
    try {
      input = ZkWords.decode(envelope.input());
    } catch (InvalidInputException e) {
      return new Outcome.Unprovable(
          "job " + jobId + ": its input is not field words: " + e.getMessage());
    }
    int expected = artifact.manifest().inputWords();
    if (input.size() != expected) {
      return new Outcome.Unprovable(
          "job "
              + jobId
              + ": circuit "
              + artifact.manifest().circuit()
              + " takes "
              + expected
              + " input words, the job has "
              + input.size());
    }
    ProveResult result;
    try {
      result = prover.prove(artifact, input);
    } catch (UnprovableInputException e) {
      return new Outcome.Unprovable(
          "job "
              + jobId
              + ": circuit "
              + artifact.manifest().circuit()
              + " refuses its input: "
              + e.getMessage());
    }
    return new Outcome.Proven(ZkWords.encode(result.output()), artifact, input, result);
  }

  /** Whether the proof verifies against the artifact's own verification key (offchain, snarkjs). */
  public boolean verifiesLocally(Outcome.Proven proven) {
    List<BigInteger> signals = new ArrayList<>(proven.result().output());
    signals.addAll(proven.input());
    return prover.verify(proven.artifact(), signals, new Groth16Proof(proven.proofWords()));
  }
}
