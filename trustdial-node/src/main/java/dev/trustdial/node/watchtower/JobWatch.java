package dev.trustdial.node.watchtower;

import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.watchtower.FailedWork.Key;
import dev.trustdial.node.watchtower.FailedWork.Kind;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs and disputes a watchtower watches, and what it does about each, one work item at a time:
 * an item that throws is recorded in {@link FailedWork} and retried on its own schedule, and every
 * other job's and dispute's work goes on. {@link #onEvent} never throws for a job's work, so the
 * event cursor always moves past an event once it is handled or recorded as failed.
 */
final class JobWatch {
  private static final Logger LOG = LoggerFactory.getLogger(JobWatch.class);

  /** What the watchtower does onchain (and on DA) for one job or dispute. Any of it may throw. */
  interface Duties {
    /** Checks a submitted result (re-execution, TEE evidence) and challenges it if it is wrong. */
    void checkResult(SettlementEvent.ResultSubmitted submitted);

    /** Votes our re-execution in an opened dispute. */
    void vote(SettlementEvent.DisputeOpened opened);

    /** Settles our own vote in a settled dispute. */
    void settleVote(SettlementEvent.DisputeSettled settled);

    /** Settles the votes against a settled dispute's majority (voters {@code votes}). */
    void settleMinorityVotes(SettlementEvent.DisputeSettled settled, Map<Address, Bytes32> votes);

    /**
     * Acts on the job if its deadline passed at chain time {@code now} (reports a missed heartbeat,
     * finalizes an unchallenged result). @return whether the job needs no more watching
     */
    boolean jobDeadline(BigInteger jobId, long now);

    /**
     * Resolves the dispute (its voting period ended). @return whether it is resolved (no more
     * watching)
     */
    boolean resolveDispute(BigInteger disputeId);
  }

  private final Duties duties;
  private final FailedWork failed;
  private final Address me;

  /**
   * Jobs whose next deadline we watch: ASSIGNED (heartbeat), SUBMITTED (challenge window),
   * DISPUTED.
   */
  private final Set<BigInteger> open = ConcurrentHashMap.newKeySet();

  /** Unresolved disputes by id, with their voting deadline. */
  private final Map<BigInteger, Long> disputes = new ConcurrentHashMap<>();

  /**
   * The votes cast in unresolved disputes (voter -> commitment), so minority votes can be settled
   * (penalised).
   */
  private final Map<BigInteger, Map<Address, Bytes32>> votesCast = new ConcurrentHashMap<>();

  /**
   * @param me this watchtower's account (a settlement of its own vote ends that item)
   */
  JobWatch(Duties duties, FailedWork failed, Address me) {
    this.duties = duties;
    this.failed = failed;
    this.me = me;
  }

  void onEvent(SettlementEvent e) {
    switch (e) {
      case SettlementEvent.JobAssigned a -> {
        open.add(a.jobId());
        // A new attempt: an earlier attempt's result is gone, so is any check of it still to retry.
        failed.forget(
            new Key(Kind.CHECK_RESULT, a.jobId()),
            "the job was assigned again (attempt " + a.attempt() + ")");
      }
      case SettlementEvent.ResultSubmitted r -> {
        open.add(r.jobId());
        failed.run(new Key(Kind.CHECK_RESULT, r.jobId()), () -> duties.checkResult(r));
      }
      case SettlementEvent.DisputeOpened d -> {
        open.add(d.jobId());
        disputes.put(d.disputeId(), d.deadline());
        failed.run(new Key(Kind.VOTE, d.disputeId()), () -> duties.vote(d));
      }
      case SettlementEvent.Voted v -> {
        if (disputes.containsKey(v.disputeId())) {
          votesCast
              .computeIfAbsent(v.disputeId(), k -> new ConcurrentHashMap<>())
              .put(v.voter(), v.commitment());
        }
      }
      case SettlementEvent.DisputeSettled d -> {
        disputes.remove(d.disputeId());
        failed.forgetDispute(
            d.disputeId(),
            "the dispute was settled onchain",
            Kind.SETTLE_VOTE,
            Kind.SETTLE_MINORITY_VOTES);
        Map<Address, Bytes32> votes = votesCast.remove(d.disputeId());
        Map<Address, Bytes32> cast =
            votes == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(votes));
        failed.run(new Key(Kind.SETTLE_VOTE, d.disputeId()), () -> duties.settleVote(d));
        failed.run(
            new Key(Kind.SETTLE_MINORITY_VOTES, d.disputeId()),
            () -> duties.settleMinorityVotes(d, cast));
      }
      case SettlementEvent.VoteSettled v when v.voter().equals(me) ->
          failed.forget(new Key(Kind.SETTLE_VOTE, v.disputeId()), "our vote was settled onchain");
      case SettlementEvent.JobFinalized f -> ended(f.jobId(), "the job was finalized onchain");
      case SettlementEvent.JobFailed f -> {
        ended(f.jobId(), "the job failed onchain");
        LOG.info("job {} failed onchain: {}", f.jobId(), f.reason());
      }
      default -> {}
    }
  }

  /**
   * One round of periodic duties at chain time {@code now}: the event items whose retry is due,
   * then every open job's deadline and every dispute past its voting period. A job or dispute whose
   * item failed is skipped until its retry is due; none holds up another.
   */
  void round(long now) {
    failed.retryDue();
    for (BigInteger jobId : new java.util.TreeSet<>(open)) {
      Key key = new Key(Kind.JOB_DEADLINE, jobId);
      boolean[] done = {false};
      if (failed.attempt(key, () -> done[0] = duties.jobDeadline(jobId, now)) && done[0]) {
        ended(jobId, "the job needs no more watching (it ended onchain)");
      }
    }
    for (Map.Entry<BigInteger, Long> d : new java.util.TreeMap<>(disputes).entrySet()) {
      if (now <= d.getValue()) {
        continue;
      }
      BigInteger disputeId = d.getKey();
      boolean[] resolved = {false};
      if (failed.attempt(
              new Key(Kind.RESOLVE_DISPUTE, disputeId),
              () -> resolved[0] = duties.resolveDispute(disputeId))
          && resolved[0]) {
        disputes.remove(disputeId);
        failed.forgetDispute(
            disputeId,
            "the dispute was resolved onchain",
            Kind.SETTLE_VOTE,
            Kind.SETTLE_MINORITY_VOTES);
      }
    }
  }

  private void ended(BigInteger jobId, String why) {
    open.remove(jobId);
    failed.forgetJob(jobId, why);
  }

  Set<BigInteger> open() {
    return Set.copyOf(open);
  }

  Set<BigInteger> disputes() {
    return Set.copyOf(disputes.keySet());
  }
}
