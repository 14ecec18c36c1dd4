package dev.trustdial.cli.demo;

import dev.trustdial.chain.Delegation;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.StakePool;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.bytes.Bytes32;
import java.math.BigInteger;

/** Narrates the settlement events of the demo's jobs as the node processes cause them. */
final class ChainNarration {
  private final DemoRun demo;

  ChainNarration(DemoRun demo) {
    this.demo = demo;
  }

  /** Narrates the events of the demo's jobs as the node processes cause them. */
  void narrate(SettlementEvent e) {
    switch (e) {
      case SettlementEvent.JobQueued q when demo.ourJobs.contains(q.jobId()) ->
          demo.n.say(
              "chain: job %s queued (attempt %d): its assignee will be drawn from the hash of block %d, which nobody knows yet",
              q.jobId(), q.attempt(), q.seedBlock());
      case SettlementEvent.JobAssigned a when demo.ourJobs.contains(a.jobId()) ->
          demo.n.say(
              a.attempt() == 0
                  ? "chain: a keeper assigned job %s: %s drawn by stake"
                      .formatted(a.jobId(), demo.name(a.operator()))
                  : "chain: job %s REASSIGNED to %s (attempt %d), %s"
                      .formatted(
                          a.jobId(),
                          demo.name(a.operator()),
                          a.attempt(),
                          a.resumeFromCheckpoint().equals(Bytes32.ZERO)
                              ? "to run from the start"
                              : "to resume from checkpoint blob "
                                  + DemoRun.abbrev(a.resumeFromCheckpoint())));
      case SettlementEvent.HeartbeatPosted h when demo.ourJobs.contains(h.jobId()) ->
          demo.n.say(
              "%s: checkpoint at step %,d written to DA (%s) and heartbeat posted",
              demo.name(h.operator()), h.step(), DemoRun.abbrev(h.checkpointBlobKey()));
      case SettlementEvent.HeartbeatMissed m when demo.ourJobs.contains(m.jobId()) ->
          demo.n.say(
              "%s: reportMissed(job %s): %s missed its deadline%s",
              demo.name(m.reporter()),
              m.jobId(),
              demo.name(m.operator()),
              m.slashed().signum() == 0
                  ? " (already slashed for liveness within the cooldown)"
                  : "; the reporter gets "
                      + Tokens.format(
                          JobParams.ofWad(m.slashed(), demo.params.reporterShareWad())));
      case SettlementEvent.Slashed s -> {
        BigInteger[] split = split(s);
        demo.slashSplits.put(s.where().txHash() + "/" + s.where().logIndex(), split);
        demo.n.say(
            "chain: %s SLASHED %s (%s): %s of its own stake, %s of its delegators'",
            demo.name(s.operator()),
            Tokens.format(s.amount()),
            s.reason(),
            Tokens.format(split[0]),
            Tokens.format(split[1]));
      }
      case SettlementEvent.ResultSubmitted r when demo.ourJobs.contains(r.jobId()) ->
          demo.n.say(
              "%s: result for job %s after %,d steps: output %s",
              demo.name(r.operator()),
              r.jobId(),
              r.result().stepCount(),
              DemoRun.abbrev(r.result().outputHash()));
      case SettlementEvent.JobChallenged c when demo.ourJobs.contains(c.jobId()) ->
          demo.n.say(
              "%s: re-executed job %s from DA, got a different result, CHALLENGED with a %s bond (dispute %s)",
              demo.name(c.challenger()), c.jobId(), Tokens.format(c.bond()), c.disputeId());
      case SettlementEvent.DisputeOpened d -> demo.disputeJobs.put(d.disputeId(), d.jobId());
      case SettlementEvent.DisputeResolved d
          when d.verdict() == Verdict.OPERATOR_REFUTED && demo.ourJobs.contains(d.jobId()) ->
          demo.n.say(
              "chain: match %s on job %s resolved: OPERATOR_REFUTED%s; the result is dropped and the job queued again",
              d.disputeId(), d.jobId(), d.moot() ? " (moot)" : "");
      case SettlementEvent.Voted v
          when demo.ourJobs.contains(
              demo.disputeJobs.getOrDefault(v.disputeId(), BigInteger.ZERO)) ->
          demo.n.say(
              "%s: re-executed job %s and voted in dispute %s with its %s of VERIFIER stake",
              demo.name(v.voter()),
              demo.disputeJobs.get(v.disputeId()),
              v.disputeId(),
              Tokens.format(v.weight()));
      case SettlementEvent.DisputeSettled d when demo.ourJobs.contains(d.jobId()) ->
          demo.n.say(
              "chain: dispute %s on job %s resolved: %s (%s voted, the leading commitment %s)",
              d.disputeId(),
              d.jobId(),
              d.verdict() + (d.moot() ? ", moot" : ""),
              Tokens.format(d.castWeight()),
              Tokens.format(d.leadingWeight()));
      case SettlementEvent.VoteSettled v
          when demo.ourJobs.contains(
              demo.disputeJobs.getOrDefault(v.disputeId(), BigInteger.ZERO)) ->
          demo.n.say(
              "%s: settled its vote in dispute %s: %s",
              demo.name(v.voter()),
              v.disputeId(),
              v.penalty().signum() > 0
                  ? "penalty " + Tokens.format(v.penalty())
                  : "reward " + Tokens.format(v.reward()) + "; its stake is free to leave again");
      case SettlementEvent.JobFinalized f when demo.ourJobs.contains(f.jobId()) ->
          demo.n.say(
              "chain: job %s FINALIZED, fee %s paid to %s",
              f.jobId(), Tokens.format(f.fee()), demo.name(f.paidTo()));
      case SettlementEvent.JobFailed f when demo.ourJobs.contains(f.jobId()) ->
          demo.n.say("chain: job %s FAILED (%s); fee and deposit refunded", f.jobId(), f.reason());
      default -> {}
    }
  }

  /**
   * How a slash divided between the operator's own stake and its delegators' (every share loses the
   * same fraction): its own shares' part of each half of the pool. Read right after the slash,
   * while nobody has moved stake in or out of the pool since (the demo restarts slashed operators
   * later).
   */
  private BigInteger[] split(SettlementEvent.Slashed s) {
    StakePool pool = demo.reader.pool(s.operator());
    Delegation own = demo.reader.delegation(s.operator(), s.operator());
    BigInteger fromActive =
        pool.activeShares().signum() == 0
            ? BigInteger.ZERO
            : s.fromActive().multiply(own.shares()).divide(pool.activeShares());
    BigInteger fromPending =
        pool.pendingShares().signum() == 0
            ? BigInteger.ZERO
            : s.fromPending().multiply(own.pendingShares()).divide(pool.pendingShares());
    BigInteger mine = fromActive.add(fromPending);
    return new BigInteger[] {mine, s.amount().subtract(mine)};
  }
}
