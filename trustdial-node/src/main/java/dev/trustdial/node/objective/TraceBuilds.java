package dev.trustdial.node.objective;

import dev.trustdial.vm.trace.StrideTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Trace builds (a guest run of up to maxSteps, seconds to hours) handed to a worker so that the
 * thread that submits them, a node's loop with other jobs and other matches' clocks to serve, never
 * waits: it {@link #submit}s and later {@link #collect}s what is done. At most {@code maxPending}
 * builds wait or run at once (each holds a stride tree and snapshots in memory). Thread-safe: an
 * event thread may submit while a game loop collects.
 *
 * @param <K> what a build is for (a job id, a dispute id)
 */
public final class TraceBuilds<K> {
  /** A finished build: its trace (empty when the build returned none), or why it failed. */
  public record Done<K>(K key, Optional<StrideTrace> trace, Optional<RuntimeException> error) {}

  private final Executor worker;
  private final int maxPending;
  private final Map<K, CompletableFuture<StrideTrace>> pending = new LinkedHashMap<>();

  /**
   * @param worker runs the builds (e.g. one platform thread: a build is CPU-bound)
   */
  public TraceBuilds(Executor worker, int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
    }
    this.worker = worker;
    this.maxPending = maxPending;
  }

  /**
   * Queues a build unless one for {@code key} is pending already.
   *
   * @throws IllegalStateException when {@code maxPending} builds are pending (try again later)
   */
  public synchronized void submit(K key, Supplier<StrideTrace> build) {
    if (pending.containsKey(key)) {
      return;
    }
    if (pending.size() >= maxPending) {
      throw new IllegalStateException(
          maxPending
              + " trace builds are pending already; "
              + key
              + " waits for one of them to finish");
    }
    pending.put(key, CompletableFuture.supplyAsync(build, worker));
  }

  public synchronized boolean pending(K key) {
    return pending.containsKey(key);
  }

  public synchronized int size() {
    return pending.size();
  }

  /**
   * The builds that finished since the last call, in submission order; they are no longer pending.
   */
  public synchronized List<Done<K>> collect() {
    List<Done<K>> done = new ArrayList<>();
    var it = pending.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      CompletableFuture<StrideTrace> f = e.getValue();
      if (!f.isDone()) {
        continue;
      }
      it.remove();
      try {
        done.add(new Done<>(e.getKey(), Optional.ofNullable(f.join()), Optional.empty()));
      } catch (CompletionException | java.util.concurrent.CancellationException ex) {
        Throwable cause = ex.getCause() == null ? ex : ex.getCause();
        RuntimeException error =
            cause instanceof RuntimeException r
                ? r
                : new IllegalStateException(cause.toString(), cause);
        done.add(new Done<>(e.getKey(), Optional.empty(), Optional.of(error)));
      }
    }
    return done;
  }
}
