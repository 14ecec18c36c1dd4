package dev.trustdial.node.operator;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.checkpoint.CheckpointCapture;
import dev.trustdial.vm.checkpoint.LinkCompression;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A job's checkpoints written behind the machine (issue 18): at each checkpoint the VM thread only
 * copies what changed ({@link Machine#capture}) and goes on; on the pipeline's executor, one
 * checkpoint at a time and in step order, each is encoded as a chain link (docs/spec/vm.md §8.1: a
 * full snapshot every {@code fullEvery} links, deltas between, zstd), put on DA, journaled locally
 * and heartbeated. A heartbeat names only a link whose DA put has returned (is certified), and a
 * delta's parent is always a link already put, so the takeover rule (resume from the last
 * checkpoint named onchain) holds unchanged.
 *
 * <p>Back-pressure: {@link #submit} blocks while {@code maxPending} checkpoints are in the
 * pipeline; with {@code maxPending} 0 it returns only once its checkpoint is heartbeated (the
 * machine stops for each checkpoint, as before the pipeline). The first failure of any stage stops
 * the pipeline (later checkpoints are dropped: a delta on top of a link that failed would not
 * resolve) and is thrown by the next {@link #submit} or by {@link #drain}; the job then resumes
 * from the last heartbeated checkpoint as after any failure.
 *
 * <p>Coalescing (on unless turned off): a checkpoint submitted while another waits for the stages
 * (a DA put is slower than a stride of compute) is merged into the waiting one, which then stands
 * for the newest (its pages the union of theirs); only that one is written and heartbeated. The
 * chain accepts any later step, so the job stays resumable from the newest heartbeated checkpoint
 * while the VM runs at its own speed, DA carries each changed page once per write instead of once
 * per checkpoint, and the memory held is one capture. {@code maxPending} then bounds how many
 * checkpoints the last heartbeat may lag behind the machine.
 *
 * <p>A minimum write interval (off unless set; it needs coalescing): a checkpoint submitted less
 * than {@code minIntervalMillis} after the last one handed to the stages is held, merged with the
 * checkpoints after it, and handed on by the first submit after the interval (or by {@link
 * #drain}). DA then carries at most one write per interval however short the stride, so on a
 * machine whose cores the DA work shares with the VM the VM keeps its core; the price is that a
 * successor may redo up to one interval (plus the pipeline's lag) of compute. Held checkpoints
 * count as pending for {@link #pending} but not for the back-pressure, which bounds only what the
 * stages still have to write. The clock is the node's {@code Scheduler}, so a simulation decides
 * the same way on every replay.
 *
 * <p>Any executor works, the stages stay serial: the pipeline hands the executor one task at a
 * time. A same-thread executor ({@code Runnable::run}) runs everything inside submit, which makes
 * the pipeline deterministic in a simulation.
 */
public final class CheckpointPipeline {
  /** The DA put: returns the blob key once the blob is certified; throws otherwise. */
  @FunctionalInterface
  public interface Store {
    Bytes32 put(byte[] bytes);
  }

  /**
   * The local copy (the operator's {@link JobJournal}), written after the put and before the
   * heartbeat.
   */
  @FunctionalInterface
  public interface Journal {
    void record(Written link);

    Journal NONE = link -> {};
  }

  /** The onchain heartbeat naming a certified checkpoint. */
  @FunctionalInterface
  public interface Heartbeat {
    void post(long step, Bytes32 stateHash, Bytes32 blobKey);
  }

  /**
   * One checkpoint as stored.
   *
   * @param linkHash the link's hash (docs/spec/vm.md §8.1), which its child names
   * @param depth 0 for a full snapshot, else the deltas above the chain's full snapshot
   * @param stored the bytes put on DA (compressed)
   * @param rawBytes the link's size before compression
   */
  public record Written(
      long step,
      Bytes32 stateHash,
      Bytes32 blobKey,
      Bytes32 linkHash,
      int depth,
      byte[] stored,
      int rawBytes) {
    public boolean full() {
      return depth == 0;
    }
  }

  /**
   * Thrown by submit or drain after a stage failed; the checkpoint at {@code step} and all after it
   * were not heartbeated.
   */
  public static final class CheckpointFailed extends RuntimeException {
    private final long step;

    CheckpointFailed(long step, String stage, Throwable cause) {
      super(
          "the checkpoint at step " + step + " failed in its " + stage + ": " + cause.getMessage(),
          cause);
      this.step = step;
    }

    public long step() {
      return step;
    }
  }

  /** Counters for metrics and benchmarks. */
  public record Stats(
      long submitted,
      long heartbeated,
      long coalesced,
      long fullLinks,
      long rawBytes,
      long storedBytes,
      long captureNanos,
      long blockedNanos) {}

  private final Executor executor;
  private final int maxPending;
  private final int fullEvery;
  private final int zstdLevel;
  private final Store store;
  private final Journal journal;
  private final Heartbeat heartbeat;
  private final boolean coalesce;
  private final long minIntervalMillis;
  private final LongSupplier clockMillis;

  // guarded by this
  /**
   * With a minimum write interval: the checkpoints submitted since the last hand-off, merged,
   * standing for {@code heldCount} checkpoints; not yet queued for the stages.
   */
  private CheckpointCapture held;

  private int heldCount;
  private long lastHandOffMillis;
  private boolean handedOff;

  /**
   * Captures waiting for the stages; with coalescing at most one, standing for {@code queuedCount}
   * checkpoints.
   */
  private final ArrayDeque<CheckpointCapture> queue = new ArrayDeque<>();

  private int queuedCount;
  private int pending;
  private boolean scheduled;
  private CheckpointFailed failure;
  private long lastSubmittedStep = -1;
  private int sinceFull;
  private long submitted;
  private long heartbeated;
  private long coalesced;
  private long fullLinks;
  private long rawBytes;
  private long storedBytes;
  private long captureNanos;
  private long blockedNanos;

  /** The last link put (the stage thread's; read under this for {@link #last}). */
  private Written last;

  /**
   * @param executor runs the stages (one task at a time is handed to it)
   * @param maxPending checkpoints captured but not yet heartbeated before submit blocks; 0: submit
   *     waits for its own checkpoint's heartbeat
   * @param fullEvery a full snapshot every this many links (1 = every link full)
   */
  public CheckpointPipeline(
      Executor executor,
      int maxPending,
      int fullEvery,
      Store store,
      Journal journal,
      Heartbeat heartbeat) {
    this(
        executor,
        maxPending,
        fullEvery,
        LinkCompression.DEFAULT_LEVEL,
        true,
        0,
        () -> 0,
        store,
        journal,
        heartbeat);
  }

  /**
   * @param zstdLevel the links' compression level
   * @param coalesce write only the newest of the checkpoints queued behind a slow stage
   * @param minIntervalMillis hand a checkpoint to the stages at most once per this many
   *     milliseconds of {@code clockMillis}, merging the ones between (0: every checkpoint at once;
   *     needs {@code coalesce} and {@code maxPending} &gt; 0)
   * @param clockMillis the node's clock, in milliseconds
   */
  public CheckpointPipeline(
      Executor executor,
      int maxPending,
      int fullEvery,
      int zstdLevel,
      boolean coalesce,
      long minIntervalMillis,
      LongSupplier clockMillis,
      Store store,
      Journal journal,
      Heartbeat heartbeat) {
    if (maxPending < 0 || fullEvery < 1) {
      throw new IllegalArgumentException(
          "maxPending must be at least 0 and fullEvery at least 1, got "
              + maxPending
              + " and "
              + fullEvery);
    }
    this.executor = executor;
    this.maxPending = maxPending;
    this.fullEvery = fullEvery;
    this.zstdLevel = zstdLevel;
    this.store = store;
    this.journal = journal;
    this.heartbeat = heartbeat;
    this.coalesce = coalesce;
    if (minIntervalMillis < 0 || (minIntervalMillis > 0 && (!coalesce || maxPending == 0))) {
      throw new IllegalArgumentException(
          "a minimum write interval must be at least 0 and needs coalescing and maxPending > 0,"
              + " got "
              + minIntervalMillis
              + " ms");
    }
    this.minIntervalMillis = minIntervalMillis;
    this.clockMillis = clockMillis;
  }

  /**
   * Hands the machine's current checkpoint to the pipeline: waits while {@code maxPending}
   * checkpoints are pending, then copies the checkpoint out of the machine (a full capture when a
   * full link is due) and returns; the machine may run on at once.
   *
   * @throws CheckpointFailed when an earlier checkpoint failed (then nothing is captured)
   * @throws IllegalArgumentException when the machine's step is not after the last submitted one
   */
  public void submit(Machine machine) {
    long t0 = System.nanoTime();
    boolean full;
    synchronized (this) {
      while (failure == null && pending - heldCount >= Math.max(1, maxPending)) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "interrupted while waiting for the checkpoint pipeline", e);
        }
      }
      blockedNanos += System.nanoTime() - t0;
      if (failure != null) {
        throw failure;
      }
      if (machine.step() <= lastSubmittedStep) {
        throw new IllegalArgumentException(
            "checkpoint at step "
                + machine.step()
                + " is not after the last one, "
                + lastSubmittedStep);
      }
      full = sinceFull + 1 >= fullEvery || submitted == 0;
    }
    long t1 = System.nanoTime();
    CheckpointCapture c =
        machine.capture(
            full); // full anyway when the machine has no capture yet (after load or restore)
    long t2 = System.nanoTime();
    boolean run;
    synchronized (this) {
      captureNanos += t2 - t1;
      lastSubmittedStep = c.step();
      sinceFull = c.full() ? 0 : sinceFull + 1;
      submitted++;
      pending++;
      int handed = 1;
      if (minIntervalMillis > 0) {
        held = held == null ? c : held.then(c);
        heldCount++;
        long now = clockMillis.getAsLong();
        if (handedOff && now - lastHandOffMillis < minIntervalMillis) {
          return; // held: handed on by a later submit or by drain
        }
        c = held;
        handed = heldCount;
        coalesced += heldCount - 1;
        held = null;
        heldCount = 0;
        handedOff = true;
        lastHandOffMillis = now;
      }
      if (coalesce && !queue.isEmpty()) {
        queue.add(
            queue
                .pollLast()
                .then(c)); // one capture holds the changes of all waiting checkpoints: memory stays
        // bounded
        coalesced++;
      } else {
        queue.add(c);
      }
      queuedCount += handed;
      run = !scheduled;
      scheduled = true;
    }
    if (run) {
      executor.execute(this::runQueued);
    }
    if (maxPending == 0) {
      drain();
    }
  }

  /**
   * Waits until every submitted checkpoint is heartbeated.
   *
   * @throws CheckpointFailed when one failed
   */
  public void drain() {
    boolean run = false;
    synchronized (this) {
      if (held != null && failure == null) {
        if (!queue.isEmpty()) {
          queue.add(queue.pollLast().then(held));
        } else {
          queue.add(held);
        }
        coalesced += heldCount - 1;
        queuedCount += heldCount;
        held = null;
        heldCount = 0;
        handedOff = true;
        lastHandOffMillis = clockMillis.getAsLong();
        run = !scheduled;
        scheduled = scheduled || run;
      }
    }
    if (run) {
      executor.execute(this::runQueued);
    }
    awaitDrained();
  }

  private synchronized void awaitDrained() {
    while (pending > 0
        && (failure == null
            || scheduled)) { // after a failure, until the stages have dropped the rest
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while draining the checkpoint pipeline", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Gives the pipeline up (the attempt ended without {@link #drain}, e.g. the VM threw): the
   * checkpoints still queued are dropped, unheartbeated, and this waits until the stage running
   * now, if any, has ended, so that no heartbeat of this attempt lands after it returns. Later
   * submits throw; after a drain nothing is left to drop.
   */
  public void close() {
    synchronized (this) {
      if (failure == null) {
        failure =
            new CheckpointFailed(
                lastSubmittedStep, "pipeline", new IllegalStateException("the pipeline is closed"));
      }
      while (scheduled) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      pending -= queuedCount + heldCount;
      queue.clear();
      queuedCount = 0;
      held = null;
      heldCount = 0;
      notifyAll();
    }
  }

  public synchronized int pending() {
    return pending;
  }

  public synchronized Stats stats() {
    return new Stats(
        submitted,
        heartbeated,
        coalesced,
        fullLinks,
        rawBytes,
        storedBytes,
        captureNanos,
        blockedNanos);
  }

  private void runQueued() {
    while (true) {
      CheckpointCapture c;
      int taken;
      synchronized (this) {
        c = queue.poll();
        if (c == null || failure != null) {
          scheduled = false;
          if (failure != null) {
            pending -= queuedCount;
            queue.clear();
            queuedCount = 0;
          }
          notifyAll();
          return;
        }
        taken =
            coalesce
                ? queuedCount
                : 1; // with coalescing the one queued capture stands for all waiting checkpoints
        queuedCount -= taken;
      }
      Written w = write(c);
      synchronized (this) {
        pending -= taken;
        if (w != null) {
          heartbeated++;
          rawBytes += w.rawBytes();
          storedBytes += w.stored().length;
          fullLinks += w.full() ? 1 : 0;
        }
        notifyAll();
      }
    }
  }

  /** Encode, put, journal, heartbeat; null (and the failure recorded) when a stage throws. */
  private Written write(CheckpointCapture c) {
    String stage = "encoding";
    try {
      byte[] raw;
      int depth;
      if (c.full()) {
        raw = c.toSnapshot().encode();
        depth = 0;
      } else {
        Written parent = last;
        if (parent == null) {
          throw new IllegalStateException("a delta capture has no parent link in this pipeline");
        }
        depth = parent.depth() + 1;
        raw =
            c.toDelta(parent.linkHash(), parent.blobKey(), depth)
                .encode(); // the locator is the parent's DA blob key
      }
      Bytes32 linkHash = new Bytes32(Arrays.copyOfRange(raw, raw.length - 32, raw.length));
      byte[] stored = LinkCompression.compress(raw, zstdLevel);
      stage = "DA put";
      Bytes32 key = store.put(stored);
      Written w = new Written(c.step(), c.stateHash(), key, linkHash, depth, stored, raw.length);
      stage = "journal write";
      journal.record(w);
      stage = "heartbeat";
      heartbeat.post(w.step(), w.stateHash(), w.blobKey());
      synchronized (this) {
        last = w;
      }
      return w;
    } catch (RuntimeException e) {
      synchronized (this) {
        if (failure == null) {
          failure = new CheckpointFailed(c.step(), stage, e);
        }
      }
      return null;
    }
  }

  /** The last link heartbeated by this pipeline, if any. */
  public synchronized java.util.Optional<Written> last() {
    return java.util.Optional.ofNullable(last);
  }
}
