package dev.trustdial.chain.anvil;

import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local anvil chain started from the pinned binary on a free loopback port. Closing it kills the
 * process; {@link #detach()} leaves it running (for {@code trustdial devnet up}).
 */
public final class Anvil implements AutoCloseable {
  /**
   * Options. {@code blockTimeSeconds > 0}: a block every that many seconds AND a block per
   * transaction (anvil's interval plus mixed mining), so a job's seed block arrives on its own; 0:
   * a block per transaction only (automine), where only transactions move the chain.
   */
  public record Options(int port, int blockTimeSeconds, int accounts, long chainId, Path logFile) {
    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (blockTimeSeconds < 0 || blockTimeSeconds > 60) {
        throw new IllegalArgumentException("block time must be 0..60 s, got " + blockTimeSeconds);
      }
      if (accounts < 1 || accounts > 100) {
        throw new IllegalArgumentException("accounts must be 1..100, got " + accounts);
      }
    }

    /** One block a second plus one per transaction: what the devnet and the tests run. */
    public static Options defaults(Path logFile) {
      return new Options(0, DEFAULT_BLOCK_TIME_SECONDS, 20, DEVNET_CHAIN_ID, logFile);
    }
  }

  /**
   * Seconds between interval-mined blocks on the devnet. Queued jobs are assigned from the hash of
   * a block mined after their submission (settlement protocol v2), so the chain must move by
   * itself.
   */
  public static final int DEFAULT_BLOCK_TIME_SECONDS = 1;

  /** Anvil's own default chain id; the lying-operator test flag is refused on any other chain. */
  public static final long DEVNET_CHAIN_ID = 31337;

  private final Process process;
  private final String rpcUrl;
  private final Options options;
  private boolean detached;

  private Anvil(Process process, String rpcUrl, Options options) {
    this.process = process;
    this.rpcUrl = rpcUrl;
    this.options = options;
  }

  public static Anvil start(Options options) {
    Path bin = Toolchain.anvil();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "anvil not found at " + bin + " (run npm ci in the repository root)");
    }
    int port = options.port() == 0 ? freePort() : options.port();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                bin.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--chain-id",
                Long.toString(options.chainId()),
                "--accounts",
                Integer.toString(options.accounts()),
                "--mnemonic",
                DevAccounts.TEST_MNEMONIC,
                "--balance",
                "100000",
                // Match the EVM version the contracts are compiled for (contracts/foundry.toml).
                "--hardfork",
                "prague"));
    if (options.blockTimeSeconds() > 0) {
      // Interval mining plus a block for each transaction as it arrives (anvil 1.7's
      // --mixed-mining).
      cmd.addAll(
          List.of("--block-time", Integer.toString(options.blockTimeSeconds()), "--mixed-mining"));
    }
    try {
      Files.createDirectories(options.logFile().toAbsolutePath().getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      Anvil anvil = new Anvil(p, "http://127.0.0.1:" + port, options);
      anvil.awaitReady(Duration.ofSeconds(30));
      return anvil;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start anvil: " + e.getMessage(), e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "anvil exited with code "
                  + process.exitValue()
                  + " before it was ready; see "
                  + options.logFile()
                  + ":\n"
                  + tail(options.logFile()));
        }
        if (isResponding(http, rpcUrl)) {
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "anvil did not answer on " + rpcUrl + " within " + timeout.toSeconds() + " s");
  }

  /** Whether an Ethereum JSON-RPC endpoint answers eth_chainId. */
  public static boolean isResponding(HttpClient http, String rpcUrl) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(rpcUrl))
              .timeout(Duration.ofSeconds(2))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
              .build();
      return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  public String rpcUrl() {
    return rpcUrl;
  }

  public long chainId() {
    return options.chainId();
  }

  public long pid() {
    return process.pid();
  }

  public List<Secp256k1Key> devKeys() {
    return DevAccounts.derive(DevAccounts.TEST_MNEMONIC, options.accounts());
  }

  /** Leaves the process running after this object is closed or the JVM exits. */
  public void detach() {
    detached = true;
  }

  @Override
  public void close() {
    if (detached || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
