package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The assignment rule of docs/spec/settlement.md §2, reproduced offchain: which operator
 * JobManager.assign picks for {@code (jobId, attempt)} once the job's seed block is mined, given
 * the candidates {@code StakeRegistry.eligibleAt(role, snapshotBlock)} lists (active-set order,
 * each weighted by the smaller of its snapshot weight and its weight now) and the operators left
 * out (failed this job, or holding maxActiveJobs). Because of "now", a prediction holds only while
 * no candidate's stake drops before assign runs.
 */
public final class Assignment {
  private Assignment() {}

  /**
   * An eligible operator and its snapshot weight for the job's role, as StakeRegistry.eligibleAt
   * lists it.
   */
  public record Candidate(Address operator, BigInteger weight) {
    public Candidate {
      if (weight.signum() < 0) {
        throw new IllegalArgumentException("negative weight for " + operator);
      }
    }
  }

  /**
   * The role whose eligible operators are the candidates for a job of an app in {@code mode} (step
   * 3).
   */
  public static Role roleFor(TrustMode mode) {
    return mode == TrustMode.TEE ? Role.TEE : Role.COMPUTE;
  }

  /**
   * {@code keccak256(abi.encode(seedBlockHash, jobId, attempt))}: three 32-byte big-endian words.
   */
  public static Bytes32 draw(Bytes32 seedBlockHash, BigInteger jobId, long attempt) {
    ByteBuffer b = ByteBuffer.allocate(96);
    b.put(seedBlockHash.bytes()).put(word(jobId)).put(word(BigInteger.valueOf(attempt)));
    return Hashes.keccak256(b.array());
  }

  /**
   * The assignee, or empty when no candidate outside {@code excluded} has weight (the chain then
   * fails the job with "no-operator").
   */
  public static Optional<Address> pick(
      Bytes32 seedBlockHash,
      BigInteger jobId,
      long attempt,
      List<Candidate> candidates,
      Set<Address> excluded) {
    BigInteger total = BigInteger.ZERO;
    for (Candidate c : candidates) {
      if (!excluded.contains(c.operator())) {
        total = total.add(c.weight());
      }
    }
    if (total.signum() == 0) {
      return Optional.empty();
    }
    BigInteger r = new BigInteger(1, draw(seedBlockHash, jobId, attempt).bytes()).mod(total);
    BigInteger cumulative = BigInteger.ZERO;
    for (Candidate c : candidates) {
      if (excluded.contains(c.operator())) {
        continue;
      }
      cumulative = cumulative.add(c.weight());
      if (r.compareTo(cumulative) < 0) {
        return Optional.of(c.operator());
      }
    }
    throw new AssertionError("r < total by construction");
  }

  private static byte[] word(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + v);
    }
    byte[] raw = v.toByteArray();
    byte[] w = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, w, 32 - n, n);
    return w;
  }
}
