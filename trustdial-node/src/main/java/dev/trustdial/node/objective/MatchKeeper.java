package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.vm.trace.StrideTrace;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ObjectiveCourt matches one node plays (docs/spec/objective.md §6), as one account on one
 * {@link GameBoard}: each is journaled ({@link MatchJournal}) before its first move and dropped
 * when it is over, so a restarted node re-attaches it ({@link #resumeAll}): its trace is rebuilt
 * from the job on a worker ({@link TraceBuilds}) while the node's loop goes on, and checked against
 * the root we committed; the match's state is read from the court, as every poll does. A rebuild
 * that fails is retried with backoff (1 s doubling to 1 min) while the match is open. An event
 * thread may attach while one game loop collects and polls.
 */
public final class MatchKeeper {
  /**
   * Rebuilds the trace a record committed to (the job's program and input, the record's lie); runs
   * on the worker.
   */
  @FunctionalInterface
  public interface TraceSource {
    StrideTrace rebuild(MatchRecord record);
  }

  /** One attached match: its record and its player. */
  public record Attached(MatchRecord record, GamePlayer player) {}

  /** What {@link #collect} did with one finished rebuild. */
  public sealed interface Resumption permits Resumed, Over, ResumeFailed {}

  /** The trace is rebuilt and matches the root we committed: the match is played from now on. */
  public record Resumed(MatchRecord record, long buildMillis) implements Resumption {}

  /** The match ended while we were away (or before the rebuild finished): its record is dropped. */
  public record Over(MatchRecord record, ObjectiveMatch match) implements Resumption {}

  /** The rebuild failed or gave another root; retried at {@code retryAt}. */
  public record ResumeFailed(MatchRecord record, RuntimeException error, Instant retryAt)
      implements Resumption {}

  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofMinutes(1);

  private final GameBoard board;
  private final MatchJournal journal;
  private final TraceBuilds<BigInteger> builds;
  private final TraceSource source;
  private final GamePlayer.Behaviour behaviour;
  private final InstantSource clock;
  private final Map<BigInteger, Attached> attached = new ConcurrentHashMap<>();
  private final Map<BigInteger, Instant> started = new ConcurrentHashMap<>();
  private final Map<BigInteger, Retry> retries = new ConcurrentHashMap<>();

  private record Retry(int failures, Instant due) {}

  public MatchKeeper(
      GameBoard board,
      MatchJournal journal,
      TraceBuilds<BigInteger> builds,
      TraceSource source,
      GamePlayer.Behaviour behaviour,
      InstantSource clock) {
    this.board = board;
    this.journal = journal;
    this.builds = builds;
    this.source = source;
    this.behaviour = behaviour;
    this.clock = clock;
  }

  /**
   * Queues a rebuild of every journaled match not attached (at a node's start). @return how many
   */
  public int resumeAll() {
    int n = 0;
    for (MatchRecord r : journal.records()) {
      if (!attached.containsKey(r.disputeId()) && !builds.pending(r.disputeId())) {
        rebuild(r);
        n++;
      }
    }
    return n;
  }

  /** Journals a match whose trace is at hand and plays it from now on. */
  public void attach(MatchRecord r, StrideTrace trace) {
    checkRoot(r, trace);
    journal.put(r);
    attached.put(
        r.disputeId(), new Attached(r, new GamePlayer(board, r.disputeId(), trace, behaviour)));
  }

  /** Journals a match whose trace must be rebuilt (we hold no copy) and queues the rebuild. */
  public void attachLater(MatchRecord r) {
    journal.put(r);
    if (!attached.containsKey(r.disputeId())) {
      rebuild(r);
    }
  }

  private void rebuild(MatchRecord r) {
    try {
      builds.submit(
          r.disputeId(),
          () -> {
            // The court is the truth: a match that ended while we were away needs no trace.
            if (board.match(r.disputeId()).done()) {
              return null;
            }
            return source.rebuild(r);
          });
      started.put(r.disputeId(), clock.instant());
    } catch (IllegalStateException full) {
      // The worker has all the builds it may hold: this one waits its turn (collect queues it
      // again).
      Retry before = retries.get(r.disputeId());
      retries.put(
          r.disputeId(),
          new Retry(before == null ? 0 : before.failures(), clock.instant().plus(FIRST_RETRY)));
    }
  }

  /**
   * Attaches the matches whose rebuild finished, drops those that are over, and re-queues the
   * failed rebuilds that are due. @return what happened to each finished rebuild
   */
  public List<Resumption> collect() {
    List<Resumption> out = new ArrayList<>();
    Instant now = clock.instant();
    for (TraceBuilds.Done<BigInteger> d : builds.collect()) {
      MatchRecord r = journal.record(d.key()).orElse(null);
      if (r == null) {
        continue; // dropped meanwhile
      }
      Instant t0 = started.remove(d.key());
      try {
        if (d.error().isPresent()) {
          throw d.error().get();
        }
        StrideTrace trace = d.trace().orElse(null);
        if (trace == null) {
          ObjectiveMatch m = board.match(r.disputeId());
          journal.remove(r.disputeId());
          retries.remove(r.disputeId());
          out.add(new Over(r, m));
          continue;
        }
        checkRoot(r, trace);
        attached.put(
            r.disputeId(), new Attached(r, new GamePlayer(board, r.disputeId(), trace, behaviour)));
        retries.remove(r.disputeId());
        out.add(new Resumed(r, t0 == null ? 0 : Duration.between(t0, now).toMillis()));
      } catch (RuntimeException e) {
        int failures =
            retries.containsKey(r.disputeId()) ? retries.get(r.disputeId()).failures() + 1 : 1;
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 6));
        Instant due = now.plus(wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait);
        retries.put(r.disputeId(), new Retry(failures, due));
        out.add(new ResumeFailed(r, e, due));
      }
    }
    for (Map.Entry<BigInteger, Retry> e : new java.util.TreeMap<>(retries).entrySet()) {
      BigInteger id = e.getKey();
      if (!now.isBefore(e.getValue().due()) && !builds.pending(id) && !attached.containsKey(id)) {
        journal.record(id).ifPresentOrElse(this::rebuild, () -> retries.remove(id));
      }
    }
    return out;
  }

  private static void checkRoot(MatchRecord r, StrideTrace trace) {
    if (!trace.root().equals(r.traceRoot())) {
      throw new IllegalStateException(
          "match "
              + r.disputeId()
              + " (job "
              + r.jobId()
              + "): the rebuilt trace has root "
              + trace.root()
              + ", not the "
              + r.traceRoot()
              + " we committed");
    }
  }

  /** The matches being played now. */
  public Collection<Attached> attached() {
    return List.copyOf(attached.values());
  }

  /** Whether the match is played or being re-attached. */
  public boolean has(BigInteger disputeId) {
    return attached.containsKey(disputeId) || journal.record(disputeId).isPresent();
  }

  /** Whether some match of ours about the job is played or being re-attached. */
  public boolean hasJob(BigInteger jobId) {
    return journal.records().stream().anyMatch(r -> r.jobId().equals(jobId))
        || attached.values().stream().anyMatch(a -> a.record().jobId().equals(jobId));
  }

  /** How many matches wait for their trace. */
  public int rebuilding() {
    return (int)
        journal.records().stream().filter(r -> !attached.containsKey(r.disputeId())).count();
  }

  /** The match is over: its player and record go. */
  public void finished(BigInteger disputeId) {
    attached.remove(disputeId);
    retries.remove(disputeId);
    journal.remove(disputeId);
  }

  /**
   * Stops playing a match in this process (its polls keep failing) but keeps its record: a restart
   * tries again.
   */
  public void detach(BigInteger disputeId) {
    attached.remove(disputeId);
  }
}
