package dev.trustdial.cli.da;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustdial da put/get} refusals that need no DA network: one line, exit 2, nothing left
 * behind.
 */
class DaCliTest {
  static final String KEY = "0x" + "ab".repeat(32);

  static void refused(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).hasLineCount(1);
  }

  @Test
  void withoutANetworkPutSaysHowToNameOne(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("blob.txt"), "hello");
    refused(
        CliRun.of(
            "da",
            "put",
            file.toString(),
            "--operators",
            dir.resolve("none/operators.json").toString()),
        "operator set file not found");
    refused(
        CliRun.of(
            "da",
            "put",
            file.toString(),
            "--operators",
            dir.resolve("none/operators.json").toString()),
        "--chain FILE (a chain config, or a devnet's devnet.json");
  }

  @Test
  void putOnAChainThatIsNoDevnetNeedsAKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("blob.txt"), "hello");
    Path chain =
        Files.writeString(
            dir.resolve("chain.json"),
            "{\"rpcUrl\":\"http://127.0.0.1:1\",\"chainId\":31337,\"contracts\":{}}");
    refused(
        CliRun.of("da", "put", file.toString(), "--chain", chain.toString(), "--key", ""),
        "give --key HEX");
  }

  @Test
  void getClosesItsDaClientEvenWhenTheBlobIsUnknown(@TempDir Path dir) throws Exception {
    // One DA node that does not answer: nothing knows the blob, and the command's DA client must
    // still end its HTTP client (the JDK's selector thread, "HttpClient-N-SelectorManager").
    Path operators =
        Files.writeString(
            dir.resolve("operators.json"),
            "{\"referenceBlock\": 0, \"operators\": [{\"address\": \""
                + dev.trustdial.core.crypto.Secp256k1Key.generate().address()
                + "\", \"stake\": \"100\", \"endpoint\": \"http://127.0.0.1:9\"}]}");
    java.util.Set<Thread> before = selectorThreads();
    CliRun r =
        CliRun.of(
            "da",
            "get",
            KEY,
            "-o",
            dir.resolve("blob.bin").toString(),
            "--operators",
            operators.toString(),
            "--certs",
            dir.resolve("certs").toString());
    assertThat(r.exitCode()).as(r.err()).isNotZero();
    assertThat(r.err()).contains("no certificate and no DA node knows blob");
    java.util.Set<Thread> left = selectorThreads();
    left.removeAll(before);
    for (Thread t : left) {
      t.join(java.time.Duration.ofSeconds(10));
    }
    assertThat(left.stream().filter(Thread::isAlive).map(Thread::getName))
        .as("HTTP client threads the command left running")
        .isEmpty();
  }

  private static java.util.Set<Thread> selectorThreads() {
    java.util.Set<Thread> s = new java.util.HashSet<>();
    for (Thread t : java.util.List.copyOf(Thread.getAllStackTraces().keySet())) {
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
        s.add(t);
      }
    }
    return s;
  }

  @Test
  void getIntoADirectoryIsRefusedAndLeavesNothing(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    refused(
        CliRun.of(
            "da",
            "get",
            KEY,
            "-o",
            out.toString(),
            "--operators",
            dir.resolve("operators.json").toString()),
        "is a directory; give the file to write");
    try (Stream<Path> left = Files.walk(dir)) {
      assertThat(left.filter(p -> !p.equals(dir) && !p.equals(out)).toList()).isEmpty();
    }
  }
}
