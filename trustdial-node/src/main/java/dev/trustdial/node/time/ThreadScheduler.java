package dev.trustdial.node.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Scheduler#system()}: the wall clock and threads. */
final class ThreadScheduler implements Scheduler {
  static final ThreadScheduler INSTANCE = new ThreadScheduler();
  private static final Logger LOG = LoggerFactory.getLogger(ThreadScheduler.class);

  private ThreadScheduler() {}

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public Loop every(String name, Duration period, Runnable round) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a loop's period must be positive, got " + period);
    }
    final class ThreadLoop implements Loop {
      private volatile boolean stopped;
      private final Thread thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);

      private void run() {
        while (!stopped) {
          try {
            round.run();
          } catch (RuntimeException e) {
            LOG.warn("{}: round failed: {}", name, e.toString());
          }
          try {
            Thread.sleep(period);
          } catch (InterruptedException e) {
            return;
          }
        }
      }

      @Override
      public boolean alive() {
        return !stopped && thread.isAlive();
      }

      @Override
      public void stop() {
        stopped = true;
        thread.interrupt();
      }
    }
    ThreadLoop loop = new ThreadLoop();
    loop.thread.start();
    return loop;
  }

  @Override
  public Workers workers(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("workers need at least 1 thread, got " + threads);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r ->
                Thread.ofPlatform()
                    .name(threads == 1 ? name : name + "-" + n.incrementAndGet())
                    .daemon()
                    .unstarted(r));
    return new Workers() {
      @Override
      public void execute(Runnable task) {
        pool.execute(task);
      }

      @Override
      public void stop() {
        pool.shutdownNow();
      }
    };
  }

  @Override
  public Workers awaitedWorkers(String name, int threads) {
    return workers(name, threads);
  }

  @Override
  public void after(Duration delay, Runnable task) {
    Thread.ofVirtual()
        .start(() -> {
          try {
            Thread.sleep(delay);
          } catch (InterruptedException e) {
            return;
          }
          task.run();
        });
  }
}
