package dev.trustdial.node.job;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a REEXEC or inference job ends (docs/spec/job-input.md, "Outcomes of jobs that produce no
 * output"). Every variant is posted as an ordinary result commitment and re-executed, finalized or
 * challenged like one; only {@link Completed} has output bytes on DA.
 */
public sealed interface JobOutcome {
  String FAULT_TAG = "trustdial-outcome-fault-v1";
  String STEP_LIMIT_TAG = "trustdial-outcome-steplimit-v1";
  String REJECTED_TAG = "trustdial-outcome-rejected-v1";

  /** The four values posted with submitResult. */
  ResultCommitment commitment();

  /** One line for logs and /health. */
  String summary();

  /** The guest exited (or the inference finished): its output goes on DA with the commitment. */
  record Completed(ResultCommitment commitment, byte[] output) implements JobOutcome {
    public Completed {
      output = output.clone();
    }

    @Override
    public byte[] output() {
      return output.clone();
    }

    @Override
    public String summary() {
      return "completed after " + commitment.stepCount() + " steps";
    }
  }

  /**
   * The guest's step {@code step} (at pc {@code pc}) faulted; {@code stateHash} is the faulted
   * terminal state it entered (docs/spec/vm.md §6), whose step is {@code step + 1}.
   */
  record Faulted(long step, int pc, Bytes32 stateHash) implements JobOutcome {
    public Faulted {
      if (step < 0) {
        throw new IllegalArgumentException("a fault step is non-negative, got " + step);
      }
    }

    @Override
    public ResultCommitment commitment() {
      return new ResultCommitment(
          tagged(FAULT_TAG, ByteBuffer.allocate(12).putLong(step).putInt(pc).array()),
          stateHash,
          step + 1,
          Bytes32.ZERO);
    }

    @Override
    public String summary() {
      return String.format("faulted at step %d (pc 0x%08x)", step, pc);
    }
  }

  /**
   * The guest had not exited after the job's {@code maxSteps}; {@code stateHash} is the state at
   * that step.
   */
  record StepLimit(long maxSteps, Bytes32 stateHash) implements JobOutcome {
    public StepLimit {
      if (maxSteps < 0) {
        throw new IllegalArgumentException("maxSteps is non-negative, got " + maxSteps);
      }
    }

    @Override
    public ResultCommitment commitment() {
      return new ResultCommitment(
          tagged(STEP_LIMIT_TAG, ByteBuffer.allocate(8).putLong(maxSteps).array()),
          stateHash,
          maxSteps,
          Bytes32.ZERO);
    }

    @Override
    public String summary() {
      return "stopped at the step limit of " + maxSteps + " without exiting";
    }
  }

  /** The job cannot be run by anyone, for {@code reason}. */
  record Rejected(RejectReason reason) implements JobOutcome {
    @Override
    public ResultCommitment commitment() {
      return new ResultCommitment(
          tagged(REJECTED_TAG, new byte[] {(byte) reason.code()}), Bytes32.ZERO, 0, Bytes32.ZERO);
    }

    @Override
    public String summary() {
      return "rejected: " + reason.text();
    }
  }

  /** keccak256(abi.encodePacked(bytes(tag), fields)): the outcome's outputHash. */
  private static Bytes32 tagged(String tag, byte[] fields) {
    return Hashes.keccak256(tag.getBytes(StandardCharsets.US_ASCII), fields);
  }
}
