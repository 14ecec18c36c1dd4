package dev.trustdial.node.watchtower;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.node.watchtower.FailedWork.Key;
import dev.trustdial.node.watchtower.FailedWork.Kind;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry bookkeeping, on a fake clock: nothing here sleeps. */
class FailedWorkTest {
  private Instant now = Instant.parse("2025-01-01T00:00:00Z");
  private final List<Kind> counted = new ArrayList<>();

  private FailedWork work(int maxItems, int maxAttempts) {
    return new FailedWork(
        () -> now,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        maxItems,
        maxAttempts,
        counted::add);
  }

  private static Key key(Kind kind, long id) {
    return new Key(kind, BigInteger.valueOf(id));
  }

  private static Runnable failing(AtomicInteger calls) {
    return () -> {
      calls.incrementAndGet();
      throw new IllegalStateException("DA blob 0xabc unavailable");
    };
  }

  private void advance(Duration d) {
    now = now.plus(d);
  }

  @Test
  void backoffDoublesFromOneSecondToAFiveMinuteCap() {
    FailedWork w = work(10, 100);
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 60, 1000).stream().map(w::backoff).toList())
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(32),
            Duration.ofSeconds(64),
            Duration.ofSeconds(128),
            Duration.ofSeconds(256),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));
  }

  @Test
  void aFailedEventItemIsRetriedOnlyWhenItsBackoffIsDue() {
    FailedWork w = work(10, 100);
    AtomicInteger calls = new AtomicInteger();
    Key k = key(Kind.CHECK_RESULT, 7);
    assertThat(w.run(k, failing(calls))).isFalse();
    assertThat(calls).hasValue(1);
    assertThat(w.item(k))
        .hasValueSatisfying(i -> {
          assertThat(i.failures()).isEqualTo(1);
          assertThat(i.due()).isEqualTo(now.plusSeconds(1));
        });

    // Rounds before the retry is due run nothing (no tight loop).
    for (int i = 0; i < 100; i++) {
      assertThat(w.retryDue()).isZero();
    }
    advance(Duration.ofMillis(999));
    assertThat(w.retryDue()).isZero();
    assertThat(calls).hasValue(1);

    advance(Duration.ofMillis(1));
    assertThat(w.retryDue()).isEqualTo(1);
    assertThat(calls).hasValue(2);
    assertThat(w.item(k))
        .hasValueSatisfying(i -> {
          assertThat(i.failures()).isEqualTo(2);
          assertThat(i.due()).isEqualTo(now.plusSeconds(2));
        });
    advance(Duration.ofSeconds(1));
    assertThat(w.retryDue()).isZero();
    advance(Duration.ofSeconds(1));
    assertThat(w.retryDue()).isEqualTo(1);
    assertThat(calls).hasValue(3);
    assertThat(counted).containsExactly(Kind.CHECK_RESULT, Kind.CHECK_RESULT, Kind.CHECK_RESULT);
  }

  @Test
  void successClearsTheItemAndHealthIsOkAgain() {
    FailedWork w = work(10, 100);
    AtomicInteger calls = new AtomicInteger();
    boolean[] broken = {true};
    Key k = key(Kind.VOTE, 3);
    w.run(
        k,
        () -> {
          calls.incrementAndGet();
          if (broken[0]) {
            throw new IllegalStateException("revert: NotAVoter");
          }
        });
    assertThat(w.failing()).isTrue();
    assertThat(w.reasons())
        .singleElement()
        .asString()
        .startsWith("vote: 1 failing, latest dispute 3")
        .contains("revert: NotAVoter");

    broken[0] = false;
    advance(Duration.ofSeconds(1));
    assertThat(w.retryDue()).isEqualTo(1);
    assertThat(calls).hasValue(2);
    assertThat(w.failing()).isFalse();
    assertThat(w.item(k)).isEmpty();
    assertThat(w.reasons()).isEmpty();
    advance(Duration.ofHours(1));
    assertThat(w.retryDue()).isZero();
    assertThat(calls).hasValue(2);
  }

  @Test
  void periodicWorkIsSkippedWhileBackingOffThenRunByItsDuty() {
    FailedWork w = work(10, 100);
    AtomicInteger calls = new AtomicInteger();
    Key k = key(Kind.JOB_DEADLINE, 5);
    assertThat(w.attempt(k, failing(calls))).isFalse();
    assertThat(w.waiting(k)).isTrue();
    assertThat(w.attempt(k, failing(calls))).isFalse();
    assertThat(calls).hasValue(1);
    // Periodic items have no retry of their own: retryDue leaves them to their duty.
    advance(Duration.ofSeconds(1));
    assertThat(w.retryDue()).isZero();
    assertThat(w.waiting(k)).isFalse();
    assertThat(w.attempt(k, () -> calls.incrementAndGet())).isTrue();
    assertThat(calls).hasValue(2);
    assertThat(w.failing()).isFalse();
  }

  @Test
  void forgettingEndsRetriesOfTheJobOrDispute() {
    FailedWork w = work(10, 100);
    AtomicInteger calls = new AtomicInteger();
    w.run(key(Kind.CHECK_RESULT, 1), failing(calls));
    w.attempt(key(Kind.JOB_DEADLINE, 1), failing(calls));
    w.run(key(Kind.VOTE, 1), failing(calls));
    w.run(key(Kind.SETTLE_VOTE, 1), failing(calls));
    assertThat(w.size()).isEqualTo(4);

    w.forgetJob(BigInteger.ONE, "finalized onchain");
    assertThat(w.size()).isEqualTo(2);
    w.forgetDispute(BigInteger.ONE, "settled onchain", Kind.SETTLE_VOTE);
    assertThat(w.item(key(Kind.VOTE, 1))).isEmpty();
    assertThat(w.item(key(Kind.SETTLE_VOTE, 1))).isPresent();
    w.forget(key(Kind.SETTLE_VOTE, 1), "our vote was settled");
    assertThat(w.failing()).isFalse();
    advance(Duration.ofMinutes(10));
    assertThat(w.retryDue()).isZero();
    assertThat(calls).hasValue(4);
  }

  @Test
  void atMostMaxItemsAreTrackedTheOldestIsDropped() {
    FailedWork w = work(3, 100);
    AtomicInteger calls = new AtomicInteger();
    for (long id = 1; id <= 3; id++) {
      w.run(key(Kind.CHECK_RESULT, id), failing(calls));
      advance(Duration.ofMillis(1));
    }
    // A failure again of a tracked item keeps it where it was (oldest first failure first).
    w.run(key(Kind.CHECK_RESULT, 1), failing(calls));
    w.run(key(Kind.CHECK_RESULT, 4), failing(calls));
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.item(key(Kind.CHECK_RESULT, 1))).isEmpty();
    assertThat(w.item(key(Kind.CHECK_RESULT, 2))).isPresent();
    assertThat(w.item(key(Kind.CHECK_RESULT, 4))).isPresent();
  }

  @Test
  void anItemIsGivenUpAtItsMaxAttempts() {
    FailedWork w = work(10, 3);
    AtomicInteger calls = new AtomicInteger();
    Key k = key(Kind.SETTLE_MINORITY_VOTES, 9);
    w.run(k, failing(calls));
    for (int i = 0; i < 10; i++) {
      advance(Duration.ofMinutes(5));
      w.retryDue();
    }
    assertThat(calls).hasValue(3);
    assertThat(w.failing()).isFalse();
    assertThat(counted).hasSize(3);
  }

  @Test
  void healthGivesOneReasonPerKindWithItsCountAndLatestError() {
    FailedWork w = work(10, 100);
    w.run(
        key(Kind.CHECK_RESULT, 1),
        () -> {
          throw new IllegalStateException("first");
        });
    advance(Duration.ofMillis(10));
    w.run(
        key(Kind.CHECK_RESULT, 2),
        () -> {
          throw new IllegalStateException("second");
        });
    w.attempt(
        key(Kind.RESOLVE_DISPUTE, 4),
        () -> {
          throw new NullPointerException("bug");
        });
    List<String> reasons = w.reasons();
    assertThat(reasons).hasSize(2);
    assertThat(reasons.get(0))
        .startsWith("check_result: 2 failing, latest job 2")
        .endsWith("java.lang.IllegalStateException: second");
    assertThat(reasons.get(1))
        .startsWith("resolve_dispute: 1 failing, latest dispute 4")
        .contains("NullPointerException: bug");
  }

  @Test
  void healthIsDegradedWithReasonsWhileAnItemFailsAndOkOnceItSucceeds() {
    FailedWork w = work(10, 100);
    boolean[] broken = {true};
    w.run(
        key(Kind.CHECK_RESULT, 7),
        () -> {
          if (broken[0]) {
            throw new IllegalStateException("DA down");
          }
        });
    Map<String, Object> h = new LinkedHashMap<>();
    Watchtower.putStatus(h, true, null, w);
    assertThat(h).containsEntry("status", "degraded").containsEntry("failingItems", 1);
    assertThat((List<?>) h.get("reasons"))
        .map(Object::toString)
        .containsExactly(
            "1 work item(s) failing, each retried with backoff", w.reasons().getFirst());

    h.clear();
    Watchtower.putStatus(h, true, "ChainUnavailableException: eth_blockNumber", w);
    assertThat((List<?>) h.get("reasons"))
        .first()
        .asString()
        .isEqualTo("chain poll failing: ChainUnavailableException: eth_blockNumber");

    broken[0] = false;
    advance(Duration.ofSeconds(1));
    w.retryDue();
    h.clear();
    Watchtower.putStatus(h, true, null, w);
    assertThat(h)
        .containsEntry("status", "ok")
        .containsEntry("failingItems", 0)
        .doesNotContainKey("reasons");

    h.clear();
    Watchtower.putStatus(h, false, null, w);
    assertThat(h).containsEntry("status", "stopped");
  }
}
