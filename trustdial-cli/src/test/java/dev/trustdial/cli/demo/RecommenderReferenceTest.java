package dev.trustdial.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's direct recommender agrees with the circuit's vectors (computed by
 * bench/zk/reference.js).
 */
class RecommenderReferenceTest {
  @Test
  void packsAndRanksLikeTheCircuitVectors() throws Exception {
    Path p = Path.of("").toAbsolutePath();
    while (!Files.exists(p.resolve("zk/circuits/vectors/recommender.json"))) {
      p = p.getParent();
    }
    JsonNode vectors =
        new ObjectMapper()
            .readTree(p.resolve("zk/circuits/vectors/recommender.json").toFile())
            .get("vectors");
    assertThat(vectors.size()).isGreaterThanOrEqualTo(2);
    for (JsonNode v : vectors) {
      List<BigInteger> in = words(v.get("in"));
      int[] values = new int[RecommenderReference.DIMS * (RecommenderReference.ITEMS + 1)];
      for (int k = 0; k < values.length; k++) {
        values[k] = in.get(k / 15).shiftRight(16 * (k % 15)).intValue() & 0xFFFF;
      }
      int[] user = Arrays.copyOfRange(values, 0, 8);
      int[][] items = new int[8][];
      for (int i = 0; i < 8; i++) {
        items[i] = Arrays.copyOfRange(values, 8 * (i + 1), 8 * (i + 2));
      }
      assertThat(RecommenderReference.pack(user, items)).isEqualTo(in);
      assertThat(RecommenderReference.rank(user, items))
          .as(v.path("note").asText())
          .isEqualTo(words(v.get("out")));
    }
  }

  private static List<BigInteger> words(JsonNode a) {
    List<BigInteger> out = new ArrayList<>();
    a.forEach(w -> out.add(new BigInteger(w.asText())));
    return out;
  }
}
