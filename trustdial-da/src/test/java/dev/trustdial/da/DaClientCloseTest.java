package dev.trustdial.da;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DA client's {@code close} ends the HTTP client it opened to the DA nodes: the JDK client's
 * selector thread (one per client, "HttpClient-N-SelectorManager") is gone afterwards.
 */
class DaClientCloseTest {
  @Test
  void closeEndsTheHttpClientToTheDaNodes(@TempDir Path dir) throws Exception {
    Path operators = dir.resolve("operators.json");
    Files.writeString(
        operators,
        """
        {"referenceBlock": 0, "operators": [
          {"address": "%s", "stake": "100", "endpoint": "http://127.0.0.1:9"}]}
        """
            .formatted(Secp256k1Key.generate().address()));
    Set<Thread> before = selectorThreads();
    DaClient da = DaClient.local(operators, dir.resolve("certs"), 6667, Duration.ofHours(1));
    Set<Thread> opened = selectorThreads();
    opened.removeAll(before);
    assertThat(opened).as("the client's own HTTP selector thread").hasSize(1);

    da.close();
    Thread selector = opened.iterator().next();
    selector.join(Duration.ofSeconds(10));
    assertThat(selector.isAlive()).as(selector.getName() + " after close").isFalse();
  }

  private static Set<Thread> selectorThreads() {
    Set<Thread> s = new HashSet<>();
    for (Thread t : List.copyOf(Thread.getAllStackTraces().keySet())) {
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
        s.add(t);
      }
    }
    return s;
  }
}
