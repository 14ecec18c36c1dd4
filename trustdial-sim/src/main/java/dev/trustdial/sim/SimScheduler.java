package dev.trustdial.sim;

import dev.trustdial.node.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.LongConsumer;

/**
 * Simulated time and one seeded scheduler for every simulated process. Events run one at a time, in
 * time order, ties broken by a sequence number; every delay gets a small jitter drawn from the
 * seed, so one seed fixes one interleaving and another seed explores another. Each process sees the
 * {@link Scheduler} port through {@link #process}: killing a process drops everything it scheduled.
 */
public final class SimScheduler {
  /**
   * The most jitter added to a delay, so processes polling at the same period drift against each
   * other.
   */
  static final long MAX_JITTER_MILLIS = 250;

  private record Event(long at, long seq, Proc owner, String name, Runnable task) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Random random;
  private final LongConsumer onTime;
  private long now;
  private long seq;
  private long executed;
  private final List<String> uncaught = new ArrayList<>();

  /**
   * @param startMillis the simulated time at the start (epoch millis)
   * @param onTime told the new time before each event runs (the simulated chain's clock follows it)
   */
  public SimScheduler(long seed, long startMillis, LongConsumer onTime) {
    this.random = new Random(seed);
    this.now = startMillis;
    this.onTime = onTime;
  }

  public long nowMillis() {
    return now;
  }

  /** Events run so far. */
  public long executed() {
    return executed;
  }

  /**
   * Exceptions that escaped a task (each a bug: the real node's loops and workers catch what they
   * expect).
   */
  public List<String> uncaught() {
    return List.copyOf(uncaught);
  }

  /**
   * The seeded source every random choice of the simulation draws from (one stream: one seed, one
   * run).
   */
  public Random random() {
    return random;
  }

  /** Schedules a task of the simulation itself (faults, workload), not owned by any process. */
  public void at(long atMillis, String name, Runnable task) {
    queue.add(new Event(Math.max(atMillis, now), seq++, null, name, task));
  }

  /**
   * Runs the next event; false when none is due at or before {@code untilMillis} (time then stands
   * at {@code untilMillis}).
   */
  public boolean step(long untilMillis, EventLog log) {
    while (true) {
      Event e = queue.peek();
      if (e == null || e.at > untilMillis) {
        now = Math.max(now, untilMillis);
        onTime.accept(now);
        return false;
      }
      queue.poll();
      if (e.owner != null && !e.owner.alive) {
        continue; // its process died after scheduling it
      }
      if (e.owner != null && e.owner.pausedUntil > e.at) {
        queue.add(
            new Event(
                e.owner.pausedUntil,
                seq++,
                e.owner,
                e.name,
                e.task)); // SIGSTOPped: runs once continued
        continue;
      }
      now = e.at;
      onTime.accept(now);
      executed++;
      log.event(now, e.owner == null ? "sim" : e.owner.name, e.name);
      try {
        e.task.run();
      } catch (ProcessCrashed c) {
        // The process died inside this task: nothing of it runs on.
      } catch (RuntimeException x) {
        // A task let an exception escape: on threads it would kill a worker silently. Here it is a
        // finding.
        uncaught.add(
            (e.owner == null ? "sim" : e.owner.name) + " " + e.name + " at " + now + " ms: " + x);
        log.event(now, e.owner == null ? "sim" : e.owner.name, "UNCAUGHT " + x);
      }
      return true;
    }
  }

  private void uncaughtInLoop(String where, RuntimeException x) {
    uncaught.add(where + " at " + now + " ms: " + x);
  }

  private long jitter() {
    return random.nextLong(MAX_JITTER_MILLIS + 1);
  }

  /** A new simulated process named {@code name}, alive, its clock in step with simulated time. */
  public Proc process(String name) {
    return new Proc(name, 0);
  }

  /**
   * A new simulated process whose clock reads {@code clockSkewMillis} ahead of simulated time
   * (behind when negative), as a machine whose clock drifted: its timers still fire on simulated
   * time, only what it reads as now is off.
   */
  public Proc process(String name, long clockSkewMillis) {
    return new Proc(name, clockSkewMillis);
  }

  /** A simulated process: the Scheduler its node runs on, and the switch that kills it. */
  public final class Proc implements Scheduler {
    private final String name;
    private volatile boolean alive = true;
    private int crashCountdown = -1;
    private long pausedUntil;
    private final long skew;

    private Proc(String name, long skew) {
      this.name = name;
      this.skew = skew;
    }

    public String name() {
      return name;
    }

    public boolean alive() {
      return alive;
    }

    /**
     * Every port call of the process passes here: a killed process's call throws {@link
     * ProcessCrashed}, and a process set to {@link #crashAfter} dies at its n-th call (mid-job,
     * mid-transaction sequence).
     */
    public void touch() {
      if (alive && crashCountdown > 0 && --crashCountdown == 0) {
        crashCountdown = -1;
        kill();
      }
      if (!alive) {
        throw new ProcessCrashed(name);
      }
    }

    /**
     * SIGSTOP for {@code millis}, then SIGCONT: nothing of the process runs meanwhile; its timers
     * fire late.
     */
    public void pause(long millis) {
      pausedUntil = Math.max(pausedUntil, now + millis);
    }

    /** SIGSTOPped now (its timers wait for the SIGCONT). */
    public boolean stalled() {
      return now < pausedUntil;
    }

    /** Kills the process at its {@code calls}-th port call from now. */
    public void crashAfter(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("calls must be at least 1, got " + calls);
      }
      crashCountdown = calls;
    }

    /**
     * SIGKILL: everything the process scheduled is dropped; a task running now ends at its next
     * port call.
     */
    public void kill() {
      alive = false;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now + skew);
    }

    @Override
    public long millis() {
      return now + skew;
    }

    private void schedule(long delayMillis, String what, Runnable task) {
      if (!alive) {
        return;
      }
      queue.add(new Event(now + delayMillis + jitter(), seq++, this, what, task));
    }

    @Override
    public Loop every(String loopName, Duration period, Runnable round) {
      long periodMillis = period.toMillis();
      if (periodMillis <= 0) {
        throw new IllegalArgumentException("a loop's period must be positive, got " + period);
      }
      boolean[] stopped = {false};
      Runnable[] self = new Runnable[1];
      self[0] =
          () -> {
            if (stopped[0]) {
              return;
            }
            try {
              round.run();
            } catch (ProcessCrashed c) {
              throw c;
            } catch (RuntimeException x) {
              // Scheduler.every's contract: a round that throws is logged and the loop goes on.
              uncaughtInLoop(name + "/" + loopName, x);
            }
            schedule(periodMillis, loopName, self[0]);
          };
      schedule(0, loopName, self[0]);
      return new Loop() {
        @Override
        public boolean alive() {
          return !stopped[0] && Proc.this.alive;
        }

        @Override
        public void stop() {
          stopped[0] = true;
        }
      };
    }

    @Override
    public Workers workers(String workersName, int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("workers need at least 1 thread, got " + threads);
      }
      boolean[] stopped = {false};
      return new Workers() {
        @Override
        public void execute(Runnable task) {
          if (stopped[0]) {
            throw new java.util.concurrent.RejectedExecutionException(workersName + " are stopped");
          }
          schedule(
              0,
              workersName,
              () -> {
                if (!stopped[0]) {
                  task.run();
                }
              });
        }

        @Override
        public void stop() {
          stopped[0] = true;
        }
      };
    }

    /**
     * Inline: on the simulator's one thread the job task that hands work over cannot wait for a
     * later event, so the work runs now, in order, inside that task (a killed process's work ends
     * at its next port call, as the task's own would). No port call of its own: the seeds' crash
     * points stay where they were.
     */
    @Override
    public Workers awaitedWorkers(String workersName, int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("workers need at least 1 thread, got " + threads);
      }
      boolean[] stopped = {false};
      return new Workers() {
        @Override
        public void execute(Runnable task) {
          if (stopped[0]) {
            throw new java.util.concurrent.RejectedExecutionException(workersName + " are stopped");
          }
          task.run();
        }

        @Override
        public void stop() {
          stopped[0] = true;
        }
      };
    }

    @Override
    public void after(Duration delay, Runnable task) {
      schedule(Math.max(0, delay.toMillis()), "after " + delay.toMillis() + " ms", task);
    }
  }

  /** Where the simulation writes what ran; a failing seed prints its tail. */
  public interface EventLog {
    void event(long atMillis, String process, String what);
  }
}
