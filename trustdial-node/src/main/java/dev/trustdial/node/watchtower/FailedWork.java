package dev.trustdial.node.watchtower;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchtower's failed work items, each retried on its own schedule so that one job's trouble (a
 * DA blob that cannot be fetched, a revert nobody expected, a bug) never holds up any other job.
 *
 * <p>An item is keyed by its {@link Kind} and the job or dispute it is about. Its first failure
 * schedules a retry {@link #first} later; each further failure doubles the wait up to {@link #cap}.
 * Work that came from an event ({@link #run}) keeps its {@link Runnable} and is re-run by {@link
 * #retryDue}; periodic work ({@link #attempt}) is skipped by its duty until its retry is due. A
 * success clears the item; so does {@link #forget} (the job or dispute ended onchain, so there is
 * nothing left to do) and so does the {@link #maxAttempts}th failure (given up, with a log line).
 * At most {@link #maxItems} items are tracked; a new one beyond that drops the oldest, with a log
 * line.
 *
 * <p>Each failure is one WARN line and one call of the failure listener (the metric); nothing here
 * sleeps or loops. Work runs without the lock held, so {@link #health} never waits for a
 * re-execution.
 */
final class FailedWork {
  private static final Logger LOG = LoggerFactory.getLogger(FailedWork.class);

  /** Longest error text kept for /health. */
  private static final int MAX_ERROR_CHARS = 300;

  /** What failed; its label is the metric's {@code kind} label and the key in /health. */
  enum Kind {
    CHECK_RESULT("check_result", "job"),
    VOTE("vote", "dispute"),
    SETTLE_VOTE("settle_vote", "dispute"),
    SETTLE_MINORITY_VOTES("settle_minority_votes", "dispute"),
    JOB_DEADLINE("job_deadline", "job"),
    RESOLVE_DISPUTE("resolve_dispute", "dispute"),
    PLAY_MATCH("play_match", "dispute");

    private final String label;
    private final String subject;

    Kind(String label, String subject) {
      this.label = label;
      this.subject = subject;
    }

    String label() {
      return label;
    }

    /** Whether the item's id is a job id (else a dispute id). */
    boolean aboutJob() {
      return subject.equals("job");
    }
  }

  record Key(Kind kind, BigInteger id) {
    @Override
    public String toString() {
      return kind.label + " of " + kind.subject + " " + id;
    }
  }

  /** One failing item: how often it failed, when it is due again, its last error. */
  record Item(
      Key key,
      Runnable retry,
      int failures,
      Instant firstFailed,
      Instant lastFailed,
      Instant due,
      String lastError) {}

  private final InstantSource clock;
  private final Duration first;
  private final Duration cap;
  private final int maxItems;
  private final int maxAttempts;
  private final Consumer<Kind> onFailure;

  /** In order of first failure: the eldest is dropped first. */
  private final Map<Key, Item> items = new LinkedHashMap<>();

  /**
   * Items whose work runs on another thread: their retry only restarts it, so it does not clear
   * them.
   */
  private final java.util.Set<Key> elsewhere = new java.util.HashSet<>();

  /**
   * @param first the wait after the first failure; each further failure doubles it
   * @param cap the longest wait
   * @param maxItems the most items tracked; a new one beyond drops the oldest
   * @param maxAttempts the failure that gives an item up (it is then no longer retried)
   * @param onFailure told of every failure (the metric)
   */
  FailedWork(
      InstantSource clock,
      Duration first,
      Duration cap,
      int maxItems,
      int maxAttempts,
      Consumer<Kind> onFailure) {
    if (first.isNegative()
        || first.isZero()
        || cap.compareTo(first) < 0
        || maxItems < 1
        || maxAttempts < 1) {
      throw new IllegalArgumentException(
          "bad retry settings: first "
              + first
              + ", cap "
              + cap
              + ", maxItems "
              + maxItems
              + ", maxAttempts "
              + maxAttempts);
    }
    this.clock = clock;
    this.first = first;
    this.cap = cap;
    this.maxItems = maxItems;
    this.maxAttempts = maxAttempts;
    this.onFailure = onFailure;
  }

  /**
   * 1 s doubling to 5 min, 10,000 items, given up at the 30th failure (about two hours of retries).
   */
  static FailedWork standard(InstantSource clock, Consumer<Kind> onFailure) {
    return new FailedWork(
        clock, Duration.ofSeconds(1), Duration.ofMinutes(5), 10_000, 30, onFailure);
  }

  /**
   * The wait after an item's {@code failures}th failure: {@code first * 2^(failures-1)}, at most
   * {@code cap}.
   */
  Duration backoff(int failures) {
    int doublings = Math.max(0, failures - 1);
    if (doublings >= 62) {
      return cap;
    }
    long millis = first.toMillis();
    long wait = millis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : millis << doublings;
    return wait >= cap.toMillis() ? cap : Duration.ofMillis(wait);
  }

  /**
   * Runs work that came from an event, now. If it throws, the item is recorded with {@code work} as
   * its retry ({@link #retryDue}); if it succeeds, any earlier failure of the item is cleared.
   *
   * @return whether it succeeded
   */
  boolean run(Key key, Runnable work) {
    return execute(key, work, work);
  }

  /**
   * Runs one item of a periodic duty unless it failed and its retry is not due yet. The duty calls
   * it every round; a failure is recorded without a retry of its own (the duty's next due round is
   * it).
   *
   * @return whether it ran and succeeded
   */
  boolean attempt(Key key, Runnable work) {
    if (waiting(key)) {
      return false;
    }
    return execute(key, work, null);
  }

  /** Re-runs every event item whose retry is due. @return how many were re-run */
  int retryDue() {
    List<Item> due = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Item i : items.values()) {
        if (i.retry() != null && !now.isBefore(i.due())) {
          due.add(i);
        }
      }
    }
    int ran = 0;
    for (Item i : due) {
      synchronized (this) {
        // An earlier retry of this round may have made it moot (forgotten, replaced).
        if (items.get(i.key()) != i) {
          continue;
        }
      }
      boolean restartOnly;
      synchronized (this) {
        restartOnly = elsewhere.contains(i.key());
      }
      if (restartOnly) {
        restart(i);
      } else {
        execute(i.key(), i.retry(), i.retry());
      }
      ran++;
    }
    return ran;
  }

  /**
   * Records a failure of work that ran on another thread (a trace build on a worker), with the work
   * that restarts it. Its retry only restarts it: the item stays, with its count and backoff, until
   * {@link #succeededElsewhere}, {@link #forget} or its give-up.
   */
  void failedElsewhere(Key key, Runnable restart, RuntimeException e) {
    failed(key, restart, e);
    synchronized (this) {
      if (items.containsKey(key)) {
        elsewhere.add(key);
      } else {
        elsewhere.remove(key);
      }
    }
  }

  /** Work that ran on another thread succeeded: its item (if any) is cleared. */
  void succeededElsewhere(Key key) {
    succeeded(key);
  }

  private void restart(Item i) {
    try {
      i.retry().run();
    } catch (RuntimeException e) {
      failedElsewhere(i.key(), i.retry(), e);
      return;
    }
    synchronized (this) {
      if (items.get(i.key())
          == i) { // due again after its backoff, should the restarted work not report back
        items.put(
            i.key(),
            new Item(
                i.key(),
                i.retry(),
                i.failures(),
                i.firstFailed(),
                i.lastFailed(),
                clock.instant().plus(backoff(i.failures())),
                i.lastError()));
      }
    }
  }

  /** Whether the item failed and its retry is not due yet. */
  synchronized boolean waiting(Key key) {
    Item i = items.get(key);
    return i != null && clock.instant().isBefore(i.due());
  }

  /** Stops retrying an item (there is nothing left to do: the job or dispute ended onchain). */
  synchronized void forget(Key key, String why) {
    elsewhere.remove(key);
    Item i = items.remove(key);
    if (i != null) {
      LOG.info("{}: no longer retried after {} failure(s): {}", key, i.failures(), why);
    }
  }

  /** Stops retrying every item of the job (every kind about a job). */
  void forgetJob(BigInteger jobId, String why) {
    for (Kind k : Kind.values()) {
      if (k.aboutJob()) {
        forget(new Key(k, jobId), why);
      }
    }
  }

  /** Stops retrying every item of the dispute except those of the given kinds. */
  void forgetDispute(BigInteger disputeId, String why, Kind... except) {
    for (Kind k : Kind.values()) {
      if (!k.aboutJob() && !List.of(except).contains(k)) {
        forget(new Key(k, disputeId), why);
      }
    }
  }

  synchronized Optional<Item> item(Key key) {
    return Optional.ofNullable(items.get(key));
  }

  synchronized int size() {
    return items.size();
  }

  synchronized boolean failing() {
    return !items.isEmpty();
  }

  /**
   * What /health shows while items fail: one line per kind, with its count and its latest error
   * (empty when nothing fails).
   */
  synchronized List<String> reasons() {
    Map<String, List<Item>> byKind = new TreeMap<>();
    for (Item i : items.values()) {
      byKind.computeIfAbsent(i.key().kind().label(), k -> new ArrayList<>()).add(i);
    }
    List<String> out = new ArrayList<>();
    byKind.forEach((kind, list) -> {
      Item latest = list.getFirst();
      for (Item i : list) {
        if (!i.lastFailed().isBefore(latest.lastFailed())) {
          latest = i;
        }
      }
      out.add(
          kind
              + ": "
              + list.size()
              + " failing, latest "
              + latest.key().kind().subject
              + " "
              + latest.key().id()
              + " (failure "
              + latest.failures()
              + ", next retry "
              + latest.due()
              + "): "
              + latest.lastError());
    });
    return out;
  }

  private boolean execute(Key key, Runnable work, Runnable retry) {
    try {
      work.run();
    } catch (RuntimeException e) {
      failed(key, retry, e);
      return false;
    }
    succeeded(key);
    return true;
  }

  private synchronized void succeeded(Key key) {
    elsewhere.remove(key);
    Item i = items.remove(key);
    if (i != null) {
      LOG.info("{}: succeeded after {} failure(s)", key, i.failures());
    }
  }

  private void failed(Key key, Runnable retry, RuntimeException e) {
    onFailure.accept(key.kind());
    String error = e.toString();
    if (error.length() > MAX_ERROR_CHARS) {
      error = error.substring(0, MAX_ERROR_CHARS) + "...";
    }
    LOG.debug("{}: failed", key, e);
    synchronized (this) {
      Instant now = clock.instant();
      Item before = items.get(key);
      int failures = before == null ? 1 : before.failures() + 1;
      if (failures >= maxAttempts) {
        items.remove(key);
        LOG.warn("{}: failed {} times, giving up: {}", key, failures, error);
        return;
      }
      if (before == null && items.size() >= maxItems) {
        Iterator<Item> eldest = items.values().iterator();
        Item dropped = eldest.next();
        eldest.remove();
        LOG.warn(
            "{}: no longer retried ({} failing items tracked at most; it failed {} time(s), last: {})",
            dropped.key(),
            maxItems,
            dropped.failures(),
            dropped.lastError());
      }
      Duration wait = backoff(failures);
      items.put(
          key,
          new Item(
              key,
              retry,
              failures,
              before == null ? now : before.firstFailed(),
              now,
              now.plus(wait),
              error));
      if (before == null) {
        LOG.warn("{}: failed, retrying in {}: {}", key, text(wait), error);
      } else {
        LOG.warn(
            "{}: retry failed ({} failures), next in {}: {}", key, failures, text(wait), error);
      }
    }
  }

  private static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
