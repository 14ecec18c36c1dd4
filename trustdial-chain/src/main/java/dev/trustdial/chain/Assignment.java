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
 * The assignment rule of docs/spec/settlement.md §2, reproduced offchain: which COMPUTE operator
 * JobManager picks for {@code (jobId, attempt)} given the eligible operators in registration order.
 */
public final class Assignment {
  private Assignment() {}

  /** An eligible operator and its active stake (its weight), as StakeRegistry.eligibleOperators lists it. */
  public record Candidate(Address operator, BigInteger stake) {}

  /** {@code keccak256(abi.encode(jobId, attempt))}: two 32-byte big-endian words. */
  /** The role whose eligible operators are the candidates for a job of an app in {@code mode} (step 1). */
  public static Role roleFor(TrustMode mode) {
    return mode == TrustMode.TEE ? Role.TEE : Role.COMPUTE;
  }

  public static Bytes32 seed(BigInteger jobId, long attempt) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(word(jobId)).put(word(BigInteger.valueOf(attempt)));
    return Hashes.keccak256(b.array());
  }

  /** The assignee, or empty when no candidate outside {@code failed} has stake (the chain then refuses or fails the job). */
  public static Optional<Address> pick(BigInteger jobId, long attempt, List<Candidate> candidates, Set<Address> failed) {
    BigInteger total = BigInteger.ZERO;
    for (Candidate c : candidates) {
      if (!failed.contains(c.operator())) {
        total = total.add(c.stake());
      }
    }
    if (total.signum() == 0) {
      return Optional.empty();
    }
    BigInteger r = new BigInteger(1, seed(jobId, attempt).bytes()).mod(total);
    BigInteger cumulative = BigInteger.ZERO;
    for (Candidate c : candidates) {
      if (failed.contains(c.operator())) {
        continue;
      }
      cumulative = cumulative.add(c.stake());
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
