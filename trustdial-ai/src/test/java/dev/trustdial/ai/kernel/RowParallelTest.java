package dev.trustdial.ai.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The spinning hand-off runs every chunk exactly once, lets the caller take over a stalled worker's
 * share, and reports failures.
 */
class RowParallelTest {
  @Test
  void splitCoversTheRangeOnAlignedBoundaries() {
    for (int n : new int[] {0, 1, 15, 16, 17, 256, 768, 1000, 16384}) {
      for (int parts = 1; parts <= 5; parts++) {
        assertThat(RowParallel.split(n, 0, parts, 16)).isZero();
        assertThat(RowParallel.split(n, parts, parts, 16)).isEqualTo(n);
        for (int p = 1; p < parts; p++) {
          int b = RowParallel.split(n, p, parts, 16);
          assertThat(b).isBetween(RowParallel.split(n, p - 1, parts, 16), n);
          assertThat(b == n || b % 16 == 0).as("boundary %d of %d over %d", p, parts, n).isTrue();
        }
      }
    }
    assertThat(RowParallel.split(768, 1, 2, 16)).isEqualTo(384);
    assertThat(RowParallel.split(10, 1, 3, 1)).isEqualTo(3);
  }

  @Test
  void everyIndexOnceOverManyHandOffs() {
    try (RowParallel p = new RowParallel(3)) {
      for (int round = 0; round < 20_000; round++) {
        int n = 1 + round % 97;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        p.forRange(
            n,
            (from, to) -> {
              for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
              }
            });
        for (int i = 0; i < n; i++) {
          assertThat(hits.get(i)).as("round %d index %d", round, i).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void chunksRunOnceEach() {
    try (RowParallel p = new RowParallel(2)) {
      for (int round = 0; round < 2000; round++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        p.forChunks(8, hits::incrementAndGet);
        for (int c = 0; c < 8; c++) {
          assertThat(hits.get(c)).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void aStalledWorkerDoesNotHoldBackChunksItHasNotClaimed() {
    try (RowParallel p = new RowParallel(2)) {
      Thread caller = Thread.currentThread();
      AtomicIntegerArray hits = new AtomicIntegerArray(64);
      AtomicInteger byWorker = new AtomicInteger();
      p.forChunks(
          64,
          c -> {
            if (Thread.currentThread() != caller) {
              byWorker.incrementAndGet();
              try {
                Thread.sleep(20); // a worker the OS has descheduled
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            hits.incrementAndGet(c);
          });
      for (int c = 0; c < 64; c++) {
        assertThat(hits.get(c)).isEqualTo(1);
      }
      assertThat(byWorker.get()).as("chunks the 20 ms-per-chunk worker ran").isLessThan(16);
    }
  }

  @Test
  void aWorkerFailureIsRethrownAndThePoolStaysUsable() {
    try (RowParallel p = new RowParallel(2)) {
      assertThatThrownBy(() ->
              p.forChunks(
                  8,
                  c -> {
                    if (c == 5) {
                      throw new IllegalArgumentException("chunk 5 failed");
                    }
                  }))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("chunk 5 failed");
      int[] sum = new int[1];
      p.forRange(
          10,
          (from, to) -> {
            synchronized (sum) {
              sum[0] += to - from;
            }
          });
      assertThat(sum[0]).isEqualTo(10);
    }
  }

  @Test
  void workersParkAfterSpinningAndWakeForTheNextTask() throws InterruptedException {
    try (RowParallel p = new RowParallel(2)) {
      Thread.sleep(RowParallel.SPIN_NANOS / 1_000_000 + 50); // past the spin: the worker parks
      int[] sum = new int[1];
      p.forRange(
          1000,
          (from, to) -> {
            synchronized (sum) {
              sum[0] += to - from;
            }
          });
      assertThat(sum[0]).isEqualTo(1000);
    }
  }

  @Test
  void closedPoolRefusesWork() {
    RowParallel p = new RowParallel(2);
    p.close();
    assertThatThrownBy(() -> p.forRange(10, (from, to) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
