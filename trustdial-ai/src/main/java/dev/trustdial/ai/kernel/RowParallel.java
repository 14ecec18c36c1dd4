package dev.trustdial.ai.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs work over independent output indices on a fixed set of threads. Only independent outputs are
 * split, so results never depend on the thread count (determinism.md §Parallelism).
 *
 * <p>Decoding one token hands work to the threads ~60 times in a few milliseconds, so a hand-off
 * must cost microseconds, not the tens of microseconds of waking a parked thread: workers and the
 * caller spin on a volatile job slot for a while ({@link #SPIN_NANOS}) before they park. When there
 * are more threads than CPUs nobody spins (a spinner would take the CPU from the thread it waits
 * for). A job is a few chunks per thread, claimed from a shared counter, so a thread that the OS
 * has descheduled (a busy shared host) delays the others by at most one chunk.
 */
public final class RowParallel implements AutoCloseable {
  /** A task over the half-open index range [from, to). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to);
  }

  /** One chunk of a job; chunks are independent and may run on any thread, in any order. */
  @FunctionalInterface
  public interface ChunkTask {
    void run(int chunk);
  }

  /**
   * Chunks per thread for {@link #forRange}: enough to even out a late thread, few enough to stay
   * cheap.
   */
  public static final int CHUNKS_PER_THREAD = 4;

  /**
   * How long an idle thread spins (then yields) before it parks: longer than the gaps within a
   * decode step.
   */
  static final long SPIN_NANOS = 2_000_000L;

  /** After this long a spinning thread yields its CPU on every round instead of only pausing. */
  private static final long PAUSE_NANOS = 50_000L;

  /** Benchmark-only counters of how long the caller waits for workers (bench/ai StepTimers). */
  private static final boolean TIMED = Boolean.getBoolean("trustdial.ai.benchmark.stepTimers");

  private static final AtomicLong WAIT_NANOS = new AtomicLong();
  private static final AtomicLong HAND_OFFS = new AtomicLong();

  /**
   * One published job; a fresh object per hand-off, so a late worker only ever claims from a
   * finished one.
   */
  private record Job(
      ChunkTask task,
      int chunks,
      AtomicInteger next,
      AtomicInteger done,
      AtomicReference<Throwable> failure) {
    /** Claims and runs chunks until none is left. */
    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          task.run(c);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
        done.incrementAndGet();
      }
    }
  }

  private final int threads;
  private final long spinNanos;
  private final Worker[] workers;
  private volatile Job job;
  private volatile Thread waitingCaller;
  private volatile boolean closed;

  public RowParallel(int threads) {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads must be 1..1024, got " + threads);
    }
    this.threads = threads;
    this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0L;
    this.workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].thread.start();
    }
  }

  public int threads() {
    return threads;
  }

  /**
   * Splits [0, n) into contiguous chunks and runs them on all threads (the caller too); returns
   * when all have run.
   */
  public void forRange(int n, RangeTask task) {
    int chunks = threads == 1 ? 1 : Math.min(n, threads * CHUNKS_PER_THREAD);
    forChunks(chunks, c -> task.run(split(n, c, chunks, 1), split(n, c + 1, chunks, 1)));
  }

  /**
   * Runs chunks 0..chunks-1 on the caller and the workers, each exactly once, and returns when all
   * have run; a chunk's exception is rethrown here (the other chunks still run). One caller at a
   * time.
   */
  public synchronized void forChunks(int chunks, ChunkTask task) {
    if (closed) {
      throw new IllegalStateException("RowParallel is closed");
    }
    if (threads == 1 || chunks <= 1) {
      for (int c = 0; c < chunks; c++) {
        task.run(c);
      }
      return;
    }
    Job j =
        new Job(task, chunks, new AtomicInteger(), new AtomicInteger(), new AtomicReference<>());
    job = j;
    for (int w = 0; w < Math.min(workers.length, chunks - 1); w++) {
      if (workers[w].parked) {
        LockSupport.unpark(workers[w].thread);
      }
    }
    j.work();
    long waitStart = TIMED ? System.nanoTime() : 0L;
    awaitWorkers(j);
    if (TIMED) {
      WAIT_NANOS.addAndGet(System.nanoTime() - waitStart);
      HAND_OFFS.incrementAndGet();
    }
    Throwable failure = j.failure().get();
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("worker failed", failure);
    }
  }

  /**
   * Start of part {@code part} of [0, n) split into {@code parts} (part == parts gives n), on
   * multiples of {@code align} so that interleaved row groups are not cut.
   */
  public static int split(int n, int part, int parts, int align) {
    long units = ((long) n + align - 1) / align;
    return (int) Math.min(n, units * part / parts * align);
  }

  /**
   * One round of waiting that began at {@code start}: a pause while it is short, a yield while it
   * is within {@link #spinNanos}; false once the waiter should park instead.
   */
  private boolean backOff(long start) {
    long spent = System.nanoTime() - start;
    if (spent >= spinNanos) {
      return false;
    }
    if (spent < PAUSE_NANOS) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
    return true;
  }

  /**
   * Waits until every chunk has run (the caller has claimed the last, so only running chunks
   * remain).
   */
  private void awaitWorkers(Job j) {
    long start = System.nanoTime();
    while (j.done().get() != j.chunks()) {
      if (!backOff(start)) {
        waitingCaller = Thread.currentThread();
        if (j.done().get() != j.chunks()) {
          LockSupport.park(this);
        }
        waitingCaller = null;
      }
    }
  }

  private final class Worker implements Runnable {
    final int index;
    final Thread thread;
    volatile boolean parked;

    Worker(int index) {
      this.index = index;
      this.thread = new Thread(this, "trustdial-ai-worker-" + index);
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      Job done = null;
      while (true) {
        Job j = awaitJob(done);
        if (j == null) {
          return;
        }
        done = j;
        j.work();
        Thread caller = waitingCaller;
        if (caller != null && j.done().get() == j.chunks()) {
          LockSupport.unpark(caller);
        }
      }
    }

    /** The next job after {@code done}, or null once closed. */
    private Job awaitJob(Job done) {
      long start = System.nanoTime();
      while (true) {
        Job j = job;
        if (closed) {
          return null;
        }
        if (j != done) {
          return j;
        }
        if (!backOff(start)) {
          parked = true;
          if (job == done && !closed) {
            LockSupport.park(RowParallel.this);
          }
          parked = false;
          start = System.nanoTime();
        }
      }
    }
  }

  public static long handOffWaitNanos() {
    return WAIT_NANOS.get();
  }

  public static long handOffs() {
    return HAND_OFFS.get();
  }

  public static void resetHandOffTimers() {
    WAIT_NANOS.set(0);
    HAND_OFFS.set(0);
  }

  @Override
  public void close() {
    closed = true;
    for (Worker w : workers) {
      LockSupport.unpark(w.thread);
    }
  }
}
