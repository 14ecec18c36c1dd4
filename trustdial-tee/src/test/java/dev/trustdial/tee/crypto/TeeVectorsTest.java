package dev.trustdial.tee.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.trustdial.tee.http.JsonExchange;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vectors of docs/spec/tee-runtime.md (also recomputed by tee-vectors-check.py with Python's
 * cryptography).
 */
class TeeVectorsTest {
  @Test
  void everyVectorIsReproduced(@TempDir Path tmp) throws Exception {
    Map<String, String> expected;
    try (InputStream in = TeeVectorsTest.class.getResourceAsStream("/tee-vectors.json")) {
      expected = JsonExchange.JSON.readValue(in, new TypeReference<Map<String, String>>() {});
    }
    Map<String, String> actual = TeeVectors.compute(tmp);
    assertThat(actual).hasSize(expected.size());
    expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualToIgnoringCase(v));
  }
}
