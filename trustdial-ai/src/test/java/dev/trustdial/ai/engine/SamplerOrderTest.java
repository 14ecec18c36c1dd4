package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The top-k selection without a full sort gives exactly the first k of the full candidate sort
 * (§Sampling).
 */
class SamplerOrderTest {
  @Property(tries = 300)
  void topCandidatesEqualThePrefixOfTheFullSort(
      @ForAll @IntRange(min = 1, max = 3000) int vocab,
      @ForAll @IntRange(min = 1, max = 3000) int keep,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 50) int distinct) {
    Random rnd = new Random(seed);
    double[] l = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      // Few distinct values, so that ties (broken by id) are everywhere; some negative, some
      // penalised.
      l[i] = (rnd.nextInt(distinct) - distinct / 2) * 0.5 + (rnd.nextInt(4) == 0 ? 1e-9 : 0);
    }
    if (rnd
        .nextBoolean()) { // logits as the model gives them (floats, signed zeros): the packed-key
      // sort
      for (int i = 0; i < vocab; i++) {
        l[i] = rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? -0.0 : 0.0) : (float) l[i];
      }
    }
    int k = Math.min(keep, vocab);
    Integer[] boxed = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (a, b) -> l[a] != l[b] ? Double.compare(l[b], l[a]) : Integer.compare(a, b));
    int[] expected = Arrays.stream(boxed).limit(k).mapToInt(Integer::intValue).toArray();
    assertThat(Sampler.topCandidates(l, k)).containsExactly(expected);
  }
}
