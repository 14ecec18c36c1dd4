package dev.trustdial.cli.demo;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The recommender of zk/circuits/recommender.circom computed directly (zk/circuits/README.md): N =
 * 8 items of D = 8 unsigned 16-bit values and a user vector, packed 15 values per input word; the
 * output is the top 3 items by dot product (ties: the lower index first) and their scores. The demo
 * checks the operator's proven output against it and times it for the overhead ratio.
 */
final class RecommenderReference {
  static final int ITEMS = 8;
  static final int DIMS = 8;
  static final int TOP = 3;
  static final int PER_WORD = 15;

  private RecommenderReference() {}

  /**
   * Packs user[0..D) then item0[0..D) ... item(N-1)[0..D) into input words, 15 values per word from
   * the low end.
   */
  static List<BigInteger> pack(int[] user, int[][] items) {
    int[] values = new int[DIMS + ITEMS * DIMS];
    System.arraycopy(user, 0, values, 0, DIMS);
    for (int i = 0; i < ITEMS; i++) {
      System.arraycopy(items[i], 0, values, DIMS * (i + 1), DIMS);
    }
    List<BigInteger> words = new ArrayList<>();
    for (int w = 0; w * PER_WORD < values.length; w++) {
      BigInteger word = BigInteger.ZERO;
      for (int j = 0; j < PER_WORD && w * PER_WORD + j < values.length; j++) {
        int v = values[w * PER_WORD + j];
        if (v < 0 || v > 0xFFFF) {
          throw new IllegalArgumentException("values are unsigned 16-bit, got " + v);
        }
        word = word.or(BigInteger.valueOf(v).shiftLeft(16 * j));
      }
      words.add(word);
    }
    return words;
  }

  /** The output words: the indices of the 3 best items, then their scores. */
  static List<BigInteger> rank(int[] user, int[][] items) {
    long[] scores = new long[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      long s = 0;
      for (int d = 0; d < DIMS; d++) {
        s += (long) user[d] * items[i][d];
      }
      scores[i] = s;
    }
    int[] best =
        IntStream.range(0, ITEMS)
            .boxed()
            .sorted(Comparator.<Integer>comparingLong(i -> -scores[i]).thenComparingInt(i -> i))
            .limit(TOP)
            .mapToInt(Integer::intValue)
            .toArray();
    List<BigInteger> out = new ArrayList<>();
    for (int i : best) {
      out.add(BigInteger.valueOf(i));
    }
    for (int i : best) {
      out.add(BigInteger.valueOf(scores[i]));
    }
    return out;
  }

  /**
   * Nanoseconds one direct run of {@link #rank} takes here (the median of 9 batches, after
   * warm-up).
   */
  static double nanosPerRun(int[] user, int[][] items) {
    int batch = 20_000;
    long sink = 0;
    for (int i = 0; i < 5 * batch; i++) {
      sink += rank(user, items).size();
    }
    double[] perRun = new double[9];
    for (int b = 0; b < perRun.length; b++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        sink += rank(user, items).size();
      }
      perRun[b] = (System.nanoTime() - t0) / (double) batch;
    }
    if (sink == 42) {
      System.out.print("");
    }
    java.util.Arrays.sort(perRun);
    return perRun[perRun.length / 2];
  }
}
