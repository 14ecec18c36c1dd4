package dev.trustdial.node.watchtower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.node.watchtower.FailedWork.Key;
import dev.trustdial.node.watchtower.FailedWork.Kind;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Failure isolation: one job whose handling throws (its DA blob cannot be fetched, then a bug in
 * its deadline duty) holds up no other job's check, finalization or dispute resolution, is retried
 * on its own schedule, and ends its degraded state once it succeeds or ends onchain.
 */
class JobWatchTest {
  private static final Address ME = Address.parse("0x00000000000000000000000000000000000000aa");
  private static final Address OPERATOR =
      Address.parse("0x00000000000000000000000000000000000000bb");
  private static final BigInteger BAD = BigInteger.ONE;
  private static final BigInteger GOOD = BigInteger.TWO;
  private static final BigInteger DISPUTED = BigInteger.valueOf(3);
  private static final BigInteger DISPUTE = BigInteger.valueOf(30);

  private Instant now = Instant.parse("2025-01-01T00:00:00Z");
  private final NodeMetrics metrics = new NodeMetrics("watchtower");
  private final FailedWork failed =
      new FailedWork(
          () -> now,
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          10_000,
          30,
          k -> metrics.count("failures_total", "failures", "kind", k.label()));
  private final FakeDuties duties = new FakeDuties();
  private final JobWatch watch = new JobWatch(duties, failed, ME);
  private long block;

  /**
   * Records what was done; the BAD job's DA blob is missing and its deadline duty has a bug, until
   * fixed.
   */
  private static class FakeDuties implements JobWatch.Duties {
    final List<String> done = new ArrayList<>();
    final Set<BigInteger> finalizable = new HashSet<>();
    boolean daBroken = true;
    boolean deadlineBug = true;

    @Override
    public void checkResult(SettlementEvent.ResultSubmitted submitted) {
      if (submitted.jobId().equals(BAD) && daBroken) {
        throw new IllegalStateException("DA: blob 0x1234 unavailable");
      }
      done.add("checked " + submitted.jobId());
    }

    @Override
    public void vote(SettlementEvent.DisputeOpened opened) {
      done.add("voted " + opened.disputeId());
    }

    @Override
    public void settleVote(SettlementEvent.DisputeSettled settled) {
      done.add("settled vote " + settled.disputeId());
    }

    @Override
    public void settleMinorityVotes(
        SettlementEvent.DisputeSettled settled, Map<Address, Bytes32> votes) {
      done.add("settled minority votes " + settled.disputeId());
    }

    @Override
    public boolean jobDeadline(BigInteger jobId, long chainTime) {
      if (jobId.equals(BAD) && deadlineBug) {
        throw new NullPointerException("a bug");
      }
      if (finalizable.contains(jobId)) {
        done.add("finalized " + jobId);
        return true;
      }
      return false;
    }

    @Override
    public boolean resolveDispute(BigInteger disputeId) {
      done.add("resolved " + disputeId);
      return false;
    }
  }

  private SettlementEvent.Where where() {
    return new SettlementEvent.Where(++block, "0x" + block, 0);
  }

  private SettlementEvent.ResultSubmitted submitted(BigInteger jobId) {
    Bytes32 h = Bytes32.ZERO;
    return new SettlementEvent.ResultSubmitted(
        where(), jobId, OPERATOR, new ResultCommitment(h, h, 10, h), h);
  }

  private void feed(SettlementEvent... events) {
    for (SettlementEvent e : events) {
      assertThatCode(() -> watch.onEvent(e))
          .as("handling %s never throws, so the cursor moves past it", e)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void oneJobsFailuresHoldUpNoOtherJob() {
    feed(
        new SettlementEvent.JobAssigned(where(), BAD, OPERATOR, 1, 100, Bytes32.ZERO),
        new SettlementEvent.JobAssigned(where(), GOOD, OPERATOR, 1, 100, Bytes32.ZERO),
        submitted(BAD),
        submitted(GOOD),
        new SettlementEvent.DisputeOpened(
            where(), DISPUTE, DISPUTED, Bytes32.ZERO, Bytes32.ZERO, 1, 50, BigInteger.TEN));

    // The BAD job's check failed and was recorded; the events after it were handled.
    assertThat(duties.done).containsExactly("checked 2", "voted 30");
    assertThat(failed.item(new Key(Kind.CHECK_RESULT, BAD))).isPresent();
    assertThat(metrics.value("failures_total", "kind", "check_result")).isEqualTo(1);

    // Periodic duties: the BAD job's deadline throws; the GOOD job is finalized and the dispute
    // resolved all the same.
    duties.finalizable.add(GOOD);
    watch.round(60);
    assertThat(duties.done).containsExactly("checked 2", "voted 30", "finalized 2", "resolved 30");
    assertThat(watch.open()).containsExactlyInAnyOrder(BAD, DISPUTED);
    assertThat(metrics.value("failures_total", "kind", "job_deadline")).isEqualTo(1);
    assertThat(failed.reasons())
        .hasSize(2)
        .anySatisfy(r ->
            assertThat(r)
                .startsWith("check_result: 1 failing, latest job 1")
                .contains("DA: blob 0x1234 unavailable"));

    // Many quick rounds before a retry is due: no retry, no new failure (no tight loop); the others
    // go on.
    for (int i = 0; i < 50; i++) {
      watch.round(61);
    }
    assertThat(metrics.value("failures_total")).isEqualTo(2);
    assertThat(duties.done).filteredOn(d -> d.equals("resolved 30")).hasSize(51);

    // Once due, the BAD job's items are retried; DA is back, the bug still there.
    duties.daBroken = false;
    now = now.plusSeconds(1);
    watch.round(62);
    assertThat(duties.done).contains("checked 1");
    assertThat(failed.item(new Key(Kind.CHECK_RESULT, BAD))).isEmpty();
    assertThat(failed.item(new Key(Kind.JOB_DEADLINE, BAD)))
        .hasValueSatisfying(i -> assertThat(i.failures()).isEqualTo(2));
    assertThat(metrics.value("failures_total", "kind", "job_deadline")).isEqualTo(2);

    // The BAD job ends onchain: nothing is left to retry, health is ok again.
    feed(new SettlementEvent.JobFinalized(where(), BAD, OPERATOR, Bytes32.ZERO, BigInteger.ONE));
    assertThat(failed.failing()).isFalse();
    assertThat(watch.open()).containsExactly(DISPUTED);
  }

  @Test
  void aFailingDisputeItemIsGivenUpWhenTheDisputeIsSettled() {
    JobWatch.Duties brokenVote =
        new FakeDuties() {
          @Override
          public void vote(SettlementEvent.DisputeOpened opened) {
            throw new IllegalStateException("re-execution failed");
          }
        };
    JobWatch w = new JobWatch(brokenVote, failed, ME);
    w.onEvent(
        new SettlementEvent.DisputeOpened(
            where(), DISPUTE, DISPUTED, Bytes32.ZERO, Bytes32.ZERO, 1, 50, BigInteger.TEN));
    assertThat(failed.item(new Key(Kind.VOTE, DISPUTE))).isPresent();
    w.onEvent(
        new SettlementEvent.DisputeSettled(
            where(),
            DISPUTE,
            DISPUTED,
            Verdict.OPERATOR_WINS,
            BigInteger.TEN,
            BigInteger.TEN,
            false));
    assertThat(failed.failing()).isFalse();
    assertThat(w.disputes()).isEmpty();
  }
}
