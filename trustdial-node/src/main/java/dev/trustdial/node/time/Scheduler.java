package dev.trustdial.node.time;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * Time and the running of work, as the node's logic sees them: the clock it reads, the loops it
 * runs every poll interval, the workers its jobs and re-executions run on, and retries after a
 * delay. {@link #system()} is wall-clock time and platform threads; a simulation implements it with
 * simulated time and one seeded scheduler, so the same logic runs in both. Nothing in the node's
 * logic reads the wall clock or sleeps except through this port.
 */
public interface Scheduler extends InstantSource {

  /** A loop started by {@link #every}. */
  interface Loop {
    /** Whether the loop still runs (it has not been stopped and its thread, if any, is alive). */
    boolean alive();

    void stop();
  }

  /**
   * Workers made by {@link #workers}: tasks run in submission order, at most {@code threads} at
   * once.
   */
  interface Workers extends Executor {
    /** Stops taking tasks and interrupts the running ones. */
    void stop();
  }

  /**
   * Runs {@code round} now and then again {@code period} after each round ends, until stopped. A
   * round that throws is logged and the loop goes on: rounds catch what they expect themselves.
   */
  Loop every(String name, Duration period, Runnable round);

  /** Workers named {@code name} that run at most {@code threads} tasks at once. */
  Workers workers(String name, int threads);

  /**
   * Workers for work that the task handing it over waits for later (a job's checkpoint pipeline:
   * back-pressure and drain wait on it), at most {@code threads} tasks at once. With threads they
   * run beside the caller, like {@link #workers}. Where every task runs on one thread (the seeded
   * simulator) a task cannot wait for another, so they run inline, inside {@code execute}, in the
   * same order: the waits then always find the work done.
   */
  Workers awaitedWorkers(String name, int threads);

  /** Runs {@code task} once, {@code delay} from now. */
  void after(Duration delay, Runnable task);

  /** Wall-clock time, platform threads for loops and workers, virtual threads for delayed tasks. */
  static Scheduler system() {
    return ThreadScheduler.INSTANCE;
  }
}
