package dev.trustdial.cli.chaos;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The invariants of a chaos run, decided from the chain's events and job records alone, plus the
 * uninterrupted reference result of each job (to tell a lie from the truth): every job finalized
 * (with the reference output), failed with an onchain reason, or still legitimately in progress;
 * every wrong result disputed away and its poster slashed; no wrong result posted by an operator
 * not told to lie; no correct result overturned; every slash justified (liveness: the operator was
 * killed, stalled or restarted around the job; dispute: it lied; vote: it voted for a wrong
 * commitment); and the slashed amounts agreeing between JobManager's and StakeRegistry's events,
 * each finalized job paying exactly the fee it escrowed.
 */
final class ChaosAudit {
  /** A fault as it happened: its target and the blocks from its start to its end. */
  record Injected(Fault.Kind kind, String target, long fromBlock, long toBlock, String outcome) {}

  /** What the run's jobs, lies and slashes came to, and which invariants failed. */
  record Result(
      int jobsSubmitted,
      int jobsFinalized,
      Map<String, Integer> jobsFailed,
      int jobsRunning,
      int liesPosted,
      int liesCaught,
      int liesPending,
      int falseChallenges,
      int falseChallengesRejected,
      Map<String, Integer> slashes,
      int wrongSlashes,
      List<String> violations) {}

  private ChaosAudit() {}

  static Result check(
      List<SettlementEvent> events,
      BigInteger appId,
      Map<BigInteger, ResultCommitment> references,
      Map<BigInteger, JobInfo> jobs,
      long chainTime,
      long graceSeconds,
      List<Injected> injected,
      Map<Address, String> names) {
    List<String> violations = new ArrayList<>();
    Map<BigInteger, SettlementEvent.JobSubmitted> submitted = new TreeMap<>();
    Map<String, List<SettlementEvent>> byTx = new HashMap<>();
    Map<BigInteger, BigInteger> disputeJob = new HashMap<>();
    Map<BigInteger, SettlementEvent.DisputeResolved> resolved = new HashMap<>();
    Map<String, Bytes32> votes = new HashMap<>();
    for (SettlementEvent e : events) {
      byTx.computeIfAbsent(e.where().txHash(), k -> new ArrayList<>()).add(e);
      switch (e) {
        case SettlementEvent.JobSubmitted s when s.appId().equals(appId) ->
            submitted.put(s.jobId(), s);
        case SettlementEvent.JobChallenged c -> disputeJob.put(c.disputeId(), c.jobId());
        case SettlementEvent.DisputeResolved r -> resolved.put(r.disputeId(), r);
        case SettlementEvent.Voted v -> votes.put(v.disputeId() + "/" + v.voter(), v.commitment());
        default -> {}
      }
    }
    java.util.function.Function<Address, String> name = a -> names.getOrDefault(a, a.toString());

    // Jobs: final, or legitimately still in progress.
    int finalized = 0;
    int running = 0;
    Map<String, Integer> failed = new TreeMap<>();
    Map<BigInteger, String> failReasons = new HashMap<>();
    Map<BigInteger, SettlementEvent.JobFinalized> finals = new HashMap<>();
    for (SettlementEvent e : events) {
      if (e instanceof SettlementEvent.JobFailed f) {
        failReasons.put(f.jobId(), f.reason());
      } else if (e instanceof SettlementEvent.JobFinalized f) {
        finals.put(f.jobId(), f);
      }
    }
    for (BigInteger id : submitted.keySet()) {
      JobInfo j = jobs.get(id);
      ResultCommitment ref = references.get(id);
      switch (j.status()) {
        case FINALIZED -> {
          finalized++;
          SettlementEvent.JobFinalized f = finals.get(id);
          if (f == null) {
            violations.add("job " + id + " is FINALIZED onchain but no JobFinalized event says so");
          } else {
            if (ref != null && !f.outputHash().equals(ref.outputHash())) {
              violations.add(
                  "job "
                      + id
                      + " finalized with a WRONG output "
                      + f.outputHash()
                      + " (paid to "
                      + name.apply(f.paidTo())
                      + ")");
            }
            if (!f.fee().equals(submitted.get(id).fee())) {
              violations.add(
                  "job " + id + " paid " + f.fee() + " but escrowed " + submitted.get(id).fee());
            }
          }
        }
        case FAILED -> {
          String reason = failReasons.get(id);
          if (reason == null || reason.isBlank()) {
            violations.add("job " + id + " FAILED with no onchain reason");
          } else {
            failed.merge(reason, 1, Integer::sum);
          }
        }
        case ASSIGNED -> {
          running++;
          if (j.deadline() + graceSeconds < chainTime) {
            violations.add(
                "job "
                    + id
                    + " is stuck: assigned to "
                    + name.apply(j.assignee())
                    + ", its heartbeat deadline passed "
                    + (chainTime - j.deadline())
                    + " s ago and no one reported the miss");
          }
        }
        case SUBMITTED -> {
          running++;
          if (j.challengeDeadline() + graceSeconds < chainTime) {
            violations.add(
                "job "
                    + id
                    + " is stuck: its challenge window closed "
                    + (chainTime - j.challengeDeadline())
                    + " s ago and it is not finalized");
          }
        }
        case DISPUTED, QUEUED -> running++;
        case NONE -> violations.add("job " + id + " was submitted but the chain does not know it");
      }
    }

    // A challenged result finalizes only with a decision (settlement.md §5, issue #19): none is
    // paid
    // to its operator after a dispute against it ended NO_QUORUM or NO_MAJORITY.
    Map<BigInteger, Address> resultOperator = new HashMap<>();
    Map<BigInteger, BigInteger> undecidedBy = new HashMap<>();
    for (SettlementEvent e : events) {
      switch (e) {
        case SettlementEvent.ResultSubmitted r -> {
          resultOperator.put(r.jobId(), r.operator());
          undecidedBy.remove(r.jobId());
        }
        case SettlementEvent.DisputeResolved r
            when !r.moot()
                && (r.verdict() == Verdict.NO_QUORUM || r.verdict() == Verdict.NO_MAJORITY) ->
            undecidedBy.putIfAbsent(r.jobId(), r.disputeId());
        case SettlementEvent.JobFinalized f
            when undecidedBy.containsKey(f.jobId())
                && f.paidTo().equals(resultOperator.get(f.jobId())) ->
            violations.add(
                "job "
                    + f.jobId()
                    + " finalized the result of "
                    + name.apply(f.paidTo())
                    + " although dispute "
                    + undecidedBy.get(f.jobId())
                    + " against it ended without a decision");
        default -> {}
      }
    }

    // Results: a wrong one is a lie; only operators running with --lie may tell one.
    int lies = 0;
    int caught = 0;
    int pending = 0;
    for (SettlementEvent e : events) {
      if (!(e instanceof SettlementEvent.ResultSubmitted r) || !submitted.containsKey(r.jobId())) {
        continue;
      }
      ResultCommitment ref = references.get(r.jobId());
      if (ref == null || r.result().commitment().equals(ref.commitment())) {
        continue;
      }
      lies++;
      String liar = name.apply(r.operator());
      boolean told =
          injected.stream()
              .anyMatch(i ->
                  i.kind() == Fault.Kind.LIAR
                      && i.target().equals(liar)
                      && i.fromBlock() <= r.where().block());
      if (!told) {
        violations.add(
            liar + " posted a WRONG result for job " + r.jobId() + " without the --lie fault");
      }
      Optional<SettlementEvent.DisputeResolved> won =
          resolved.values().stream()
              .filter(d -> d.jobId().equals(r.jobId()) && d.where().block() >= r.where().block())
              .filter(
                  d -> d.verdict() == Verdict.CHALLENGER_WINS || d.verdict() == Verdict.BOTH_WRONG)
              .findFirst();
      boolean slashed =
          won.isPresent()
              && byTx.getOrDefault(won.get().where().txHash(), List.of()).stream()
                  .anyMatch(s ->
                      s instanceof SettlementEvent.Slashed sl
                          && sl.operator().equals(r.operator())
                          && sl.reason().contains("dispute"));
      JobInfo j = jobs.get(r.jobId());
      if (won.isPresent() && slashed) {
        caught++;
      } else if (won.isEmpty()
          && (j.status() == dev.trustdial.chain.JobStatus.DISPUTED
              || (j.status() == dev.trustdial.chain.JobStatus.SUBMITTED
                  && r.operator().equals(j.resultOperator())))) {
        pending++;
      } else {
        violations.add(
            "the lie of "
                + liar
                + " on job "
                + r.jobId()
                + " was not caught"
                + (won.isPresent()
                    ? " (its dispute was won, but " + liar + " was not slashed)"
                    : undecided(resolved.values(), r)
                        ? " (dropped unslashed: its dispute ended without a decision, too little"
                            + " honest verifier stake voted)"
                        : ""));
      }
    }

    // Challenges of correct results (the false challenger's) must never win.
    int falseChallenges = 0;
    int rejected = 0;
    Map<BigInteger, Bytes32> resultAt = new HashMap<>();
    for (SettlementEvent e : events) {
      if (e instanceof SettlementEvent.ResultSubmitted r) {
        resultAt.put(r.jobId(), r.result().commitment());
      } else if (e instanceof SettlementEvent.JobChallenged c
          && submitted.containsKey(c.jobId())
          && references.containsKey(c.jobId())) {
        Bytes32 truth = references.get(c.jobId()).commitment();
        if (truth.equals(resultAt.get(c.jobId())) && !c.challengerCommitment().equals(truth)) {
          falseChallenges++;
          SettlementEvent.DisputeResolved d = resolved.get(c.disputeId());
          if (d != null
              && (d.verdict() == Verdict.CHALLENGER_WINS || d.verdict() == Verdict.BOTH_WRONG)) {
            violations.add(
                "the false challenge of job "
                    + c.jobId()
                    + " by "
                    + name.apply(c.challenger())
                    + " WON ("
                    + d.verdict()
                    + "): a correct result was overturned");
          } else if (d != null && d.verdict() == Verdict.OPERATOR_WINS) {
            rejected++;
          }
        }
      }
    }

    // Slashes: each one justified; the amounts agree between the contracts.
    Map<String, Integer> slashes = new TreeMap<>();
    int wrong = 0;
    for (SettlementEvent e : events) {
      if (!(e instanceof SettlementEvent.Slashed s)) {
        continue;
      }
      slashes.merge(s.reason(), 1, Integer::sum);
      String who = name.apply(s.operator());
      if (!s.amount().equals(s.fromActive().add(s.fromPending())) || s.amount().signum() < 0) {
        violations.add("the slash of " + who + " in " + s.where().txHash() + " does not add up");
      }
      List<SettlementEvent> tx = byTx.getOrDefault(s.where().txHash(), List.of());
      String why =
          justification(s, tx, events, references, disputeJob, votes, injected, who, graceSeconds);
      if (why != null) {
        wrong++;
        violations.add(
            "WRONG SLASH of "
                + who
                + " ("
                + s.reason()
                + ", block "
                + s.where().block()
                + "): "
                + why);
      }
    }
    return new Result(
        submitted.size(),
        finalized,
        failed,
        running,
        lies,
        caught,
        pending,
        falseChallenges,
        rejected,
        slashes,
        wrong,
        violations);
  }

  /** Whether a dispute about the job after result {@code r} ended NO_QUORUM or NO_MAJORITY. */
  private static boolean undecided(
      java.util.Collection<SettlementEvent.DisputeResolved> resolved,
      SettlementEvent.ResultSubmitted r) {
    return resolved.stream()
        .anyMatch(d ->
            d.jobId().equals(r.jobId())
                && d.where().block() >= r.where().block()
                && !d.moot()
                && (d.verdict() == Verdict.NO_QUORUM || d.verdict() == Verdict.NO_MAJORITY));
  }

  /** Null when the slash is justified, else why it is not. */
  private static String justification(
      SettlementEvent.Slashed s,
      List<SettlementEvent> tx,
      List<SettlementEvent> events,
      Map<BigInteger, ResultCommitment> references,
      Map<BigInteger, BigInteger> disputeJob,
      Map<String, Bytes32> votes,
      List<Injected> injected,
      String who,
      long graceBlocks) {
    if (s.reason().contains("liveness")) {
      Optional<SettlementEvent.HeartbeatMissed> missed =
          tx.stream()
              .filter(e ->
                  e instanceof SettlementEvent.HeartbeatMissed m
                      && m.operator().equals(s.operator()))
              .map(e -> (SettlementEvent.HeartbeatMissed) e)
              .findFirst();
      if (missed.isEmpty()) {
        return "no HeartbeatMissed in its transaction";
      }
      if (!missed.get().slashed().equals(s.amount())) {
        return "JobManager says " + missed.get().slashed() + ", StakeRegistry " + s.amount();
      }
      long assignedAt =
          events.stream()
              .filter(e ->
                  e instanceof SettlementEvent.JobAssigned a
                      && a.jobId().equals(missed.get().jobId())
                      && a.operator().equals(s.operator())
                      && a.where().block() <= s.where().block())
              .mapToLong(e -> e.where().block())
              .max()
              .orElse(0);
      boolean disrupted =
          injected.stream()
              .anyMatch(i ->
                  i.target().equals(who)
                      && i.fromBlock() <= s.where().block()
                      && i.toBlock() + graceBlocks >= assignedAt);
      return disrupted
          ? null
          : "it was never killed, stalled or restarted while it held job " + missed.get().jobId();
    }
    if (s.reason().contains("dispute")) {
      Optional<SettlementEvent.DisputeResolved> r =
          tx.stream()
              .filter(e -> e instanceof SettlementEvent.DisputeResolved)
              .map(e -> (SettlementEvent.DisputeResolved) e)
              .findFirst();
      if (r.isEmpty()) {
        return "no DisputeResolved in its transaction";
      }
      if (!r.get().slashed().equals(s.amount())) {
        return "JobManager says " + r.get().slashed() + ", StakeRegistry " + s.amount();
      }
      ResultCommitment ref = references.get(r.get().jobId());
      if (ref == null) {
        return null; // Not one of this run's jobs: nothing to judge it by.
      }
      // The operator's result at the time: the last one it posted for the job before the verdict.
      Bytes32 claimed = null;
      for (SettlementEvent e : events) {
        if (e instanceof SettlementEvent.ResultSubmitted rs
            && rs.jobId().equals(r.get().jobId())
            && rs.operator().equals(s.operator())
            && rs.where().block() <= s.where().block()) {
          claimed = rs.result().commitment();
        }
      }
      return claimed != null && !claimed.equals(ref.commitment())
          ? null
          : "its result for job " + r.get().jobId() + " was the correct one";
    }
    if (s.reason().contains("vote")) {
      Optional<SettlementEvent.VoteSettled> v =
          tx.stream()
              .filter(e ->
                  e instanceof SettlementEvent.VoteSettled vs && vs.voter().equals(s.operator()))
              .map(e -> (SettlementEvent.VoteSettled) e)
              .findFirst();
      if (v.isEmpty()) {
        return "no VoteSettled in its transaction";
      }
      BigInteger job = disputeJob.get(v.get().disputeId());
      ResultCommitment ref = job == null ? null : references.get(job);
      if (ref == null) {
        return null;
      }
      Bytes32 voted = votes.get(v.get().disputeId() + "/" + s.operator());
      return voted != null && !voted.equals(ref.commitment())
          ? null
          : "it voted for the correct result of job " + job;
    }
    return "an unknown slash reason '" + s.reason() + "'";
  }

  /** Counts per fault kind of what was injected. */
  static Map<Fault.Kind, Integer> counts(List<Injected> injected) {
    Map<Fault.Kind, Integer> c = new EnumMap<>(Fault.Kind.class);
    for (Fault.Kind k : Fault.Kind.values()) {
      c.put(k, 0);
    }
    injected.forEach(i -> c.merge(i.kind(), 1, Integer::sum));
    return c;
  }
}
