package dev.trustdial.ai.engine;

import dev.trustdial.ai.Invariant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keys and values of recently finished sequences, reused when a new prompt starts with the same
 * tokens. A position's K/V depend only on the tokens up to it and are computed by the same fixed
 * order, so reuse gives the same bits as recomputing (determinism.md §Parallelism). Used only by
 * the scheduler thread.
 */
final class PrefixCache {
  private record Entry(int[] tokens, KvCache cache, long bytes) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private final int kvDim;
  private final long maxBytes;
  private long bytes;
  private long hits;

  PrefixCache(int kvDim, long maxBytes) {
    this.kvDim = kvDim;
    this.maxBytes = maxBytes;
  }

  /** Remembers the positions a finished sequence has in its cache. */
  void offer(Sequence s) {
    long size = 2L * Float.BYTES * s.cache.keys.length * s.cache.keys[0].length;
    if (s.fed < 2 || size > maxBytes) {
      return;
    }
    int[] tokens = java.util.Arrays.copyOf(s.tokens, s.fed);
    entries.addFirst(new Entry(tokens, s.cache, size));
    bytes += size;
    while (bytes > maxBytes) {
      bytes -= entries.removeLast().bytes();
    }
    Invariant.check(
        bytes >= 0 && bytes <= maxBytes && (bytes == 0) == entries.isEmpty(),
        "the prefix cache's byte count is its entries' and within its budget");
  }

  /** Copies the longest cached prefix of s's prompt into its cache (leaving ≥ 1 token to run). */
  void fill(Sequence s) {
    Invariant.check(s.fed == 0, "only fresh sequences take a cached prefix");
    int limit = Math.min(s.prompt.length - 1, s.cache.capacity);
    Entry best = null;
    int bestLen = 0;
    for (Entry e : entries) {
      int n = Math.min(limit, e.tokens().length);
      int len = 0;
      while (len < n && e.tokens()[len] == s.prompt[len]) {
        len++;
      }
      if (len > bestLen) {
        best = e;
        bestLen = len;
      }
    }
    if (best == null) {
      return;
    }
    for (int l = 0; l < s.cache.keys.length; l++) {
      System.arraycopy(best.cache().keys[l], 0, s.cache.keys[l], 0, bestLen * kvDim);
      System.arraycopy(best.cache().values[l], 0, s.cache.values[l], 0, bestLen * kvDim);
    }
    s.fed = bestLen;
    hits++;
  }

  long hits() {
    return hits;
  }
}
