package dev.trustdial.ai.engine;

import dev.trustdial.ai.kernel.LayerOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Picks the next token from logits (determinism.md §Sampling). All arithmetic after the logits is
 * double in a fixed order; candidates are ordered by (logit desc, token id asc) so ties never
 * depend on sort stability; randomness is a counter-based hash of (seed, position).
 */
final class Sampler {
  private Sampler() {}

  /**
   * @param position absolute position the sampled token will occupy in its sequence
   * @param seen every token so far (prompt and generated), for the repetition penalty
   * @param generatedCounts occurrences of each token among generated tokens, for frequency/presence
   */
  static int sample(
      LayerOps ops,
      float[] logits,
      int offset,
      int vocab,
      SamplingParams p,
      long position,
      int[] seen,
      int seenCount,
      int[] generatedCounts) {
    double[] l = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      l[i] = logits[offset + i];
    }
    applyPenalties(l, p, seen, seenCount, generatedCounts);
    if (p.isGreedy()) {
      return argmax(l);
    }
    int keep = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
    int[] order = topCandidates(l, keep);
    double[] prob = new double[keep];
    double max = l[order[0]];
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      prob[i] = (l[order[i]] - max) / p.temperature();
    }
    ops.exp(prob, prob, keep);
    for (int i = 0; i < keep; i++) {
      sum += prob[i];
    }
    // top-p: smallest prefix whose probability reaches topP; min-p: drop p < minP * pmax.
    double cumulative = 0;
    int cut = keep;
    for (int i = 0; i < keep; i++) {
      if (prob[i] / sum < p.minP() * (prob[0] / sum)) {
        cut = i;
        break;
      }
      cumulative += prob[i] / sum;
      if (cumulative >= p.topP()) {
        cut = i + 1;
        break;
      }
    }
    cut = Math.max(cut, 1);
    double kept = 0;
    for (int i = 0; i < cut; i++) {
      kept += prob[i];
    }
    double u = uniform(p.seed(), position) * kept;
    double acc = 0;
    for (int i = 0; i < cut; i++) {
      acc += prob[i];
      if (u < acc) {
        return order[i];
      }
    }
    return order[cut - 1];
  }

  /**
   * Candidate order (§Sampling): logit descending, then token id ascending; a total order on ids.
   */
  private static int compare(double[] l, int a, int b) {
    return l[a] != l[b] ? Double.compare(l[b], l[a]) : Integer.compare(a, b);
  }

  /**
   * The first {@code keep} token ids in candidate order. A small top-k (the usual 20–100 of a
   * vocabulary of 32k–150k) keeps a heap of the best k in one pass instead of sorting everything.
   */
  static int[] topCandidates(double[] l, int keep) {
    int vocab = l.length;
    if ((long) keep * 8 >= vocab) {
      int[] all = sortedByPackedKeys(l);
      if (all == null) {
        all = new int[vocab];
        for (int i = 0; i < vocab; i++) {
          all[i] = i;
        }
        sort(all, l);
      }
      return keep == vocab ? all : Arrays.copyOf(all, keep);
    }
    // A heap of the best `keep` ids seen so far with the worst of them at the root.
    int[] heap = new int[keep];
    int size = 0;
    for (int i = 0; i < vocab; i++) {
      if (size < keep) {
        int c = size++;
        heap[c] = i;
        while (c > 0 && compare(l, heap[(c - 1) / 2], heap[c]) < 0) {
          swap(heap, c, (c - 1) / 2);
          c = (c - 1) / 2;
        }
      } else if (compare(l, i, heap[0]) < 0) {
        heap[0] = i;
        int c = 0;
        while (true) {
          int worst = c;
          for (int k = 2 * c + 1; k <= 2 * c + 2 && k < size; k++) {
            if (compare(l, heap[k], heap[worst]) > 0) {
              worst = k;
            }
          }
          if (worst == c) {
            break;
          }
          swap(heap, c, worst);
          c = worst;
        }
      }
    }
    sort(heap, l);
    return heap;
  }

  /**
   * All ids in candidate order through one primitive sort of (logit, id) packed in a long, when
   * every logit is a float (no penalty changed it) and none is NaN; else null. The logit's bits are
   * mapped to an int whose signed order is the reverse of the float order (−0 as +0, as the
   * comparator sees them equal), the id below it, so ascending longs are (logit desc, id asc).
   */
  private static int[] sortedByPackedKeys(double[] l) {
    long[] keys = new long[l.length];
    for (int i = 0; i < l.length; i++) {
      float f = (float) l[i];
      if (f != l[i]) {
        return null; // a penalised logit that is no float, or NaN
      }
      int bits = Float.floatToRawIntBits(f == 0f ? 0f : f);
      int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
      keys[i] = ((long) ~ascending << 32) | i;
    }
    Arrays.sort(keys);
    int[] ids = new int[l.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (int) keys[i];
    }
    return ids;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** Bottom-up merge sort of ids in candidate order (no boxing). */
  private static void sort(int[] ids, double[] l) {
    int[] src = ids;
    int[] dst = new int[ids.length];
    for (int width = 1; width < ids.length; width *= 2) {
      for (int lo = 0; lo < ids.length; lo += 2 * width) {
        int mid = Math.min(lo + width, ids.length);
        int hi = Math.min(lo + 2 * width, ids.length);
        int a = lo;
        int b = mid;
        for (int k = lo; k < hi; k++) {
          dst[k] = b >= hi || (a < mid && compare(l, src[a], src[b]) <= 0) ? src[a++] : src[b++];
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != ids) {
      System.arraycopy(src, 0, ids, 0, ids.length);
    }
  }

  static void applyPenalties(
      double[] l, SamplingParams p, int[] seen, int seenCount, int[] generatedCounts) {
    if (p.repetitionPenalty() != 1) {
      boolean[] done = new boolean[l.length];
      for (int i = 0; i < seenCount; i++) {
        int t = seen[i];
        if (!done[t]) {
          done[t] = true;
          l[t] = l[t] > 0 ? l[t] / p.repetitionPenalty() : l[t] * p.repetitionPenalty();
        }
      }
    }
    if (p.frequencyPenalty() != 0 || p.presencePenalty() != 0) {
      for (int t = 0; t < l.length; t++) {
        int count = generatedCounts[t];
        if (count > 0) {
          l[t] -= count * p.frequencyPenalty() + p.presencePenalty();
        }
      }
    }
  }

  /** Highest logit; the lowest token id wins a tie. */
  static int argmax(double[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Log-softmax of the raw logits for the chosen token and the top alternatives (ties by id). */
  static TokenLogprob logprob(
      LayerOps ops, float[] logits, int offset, int vocab, int chosen, int topN) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double sum = ops.expSum(logits, offset, vocab, max);
    double lse = max + StrictMath.log(sum);
    List<TokenLogprob> top = new ArrayList<>(topN);
    if (topN > 0) {
      boolean[] taken = new boolean[vocab];
      for (int k = 0; k < Math.min(topN, vocab); k++) {
        int best = -1;
        for (int i = 0; i < vocab; i++) {
          if (!taken[i] && (best < 0 || logits[offset + i] > logits[offset + best])) {
            best = i;
          }
        }
        taken[best] = true;
        top.add(new TokenLogprob(best, logits[offset + best] - lse, List.of()));
      }
    }
    return new TokenLogprob(chosen, logits[offset + chosen] - lse, top);
  }

  /**
   * Uniform double in [0, 1) from (seed, position): SplitMix64's finalizer applied to seed·φ64 +
   * position·φ64' (two odd constants), twice, top 53 bits.
   */
  static double uniform(long seed, long position) {
    long z = mix(seed * 0x9E3779B97F4A7C15L + position * 0xD1B54A32D192ED03L + 0x2545F4914F6CDD1DL);
    z = mix(z ^ position);
    return (z >>> 11) * 0x1.0p-53;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
