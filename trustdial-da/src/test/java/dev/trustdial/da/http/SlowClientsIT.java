package dev.trustdial.da.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNodeApi;
import dev.trustdial.da.node.DaNodeServer;
import dev.trustdial.da.node.StoreReceipt;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.node.Uploader;
import dev.trustdial.da.proxy.DaProxyServer;
import dev.trustdial.http.ConnectionLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow clients against a DA node and the DA proxy, in-process (issue 14): 250 slowloris connections
 * used to keep {@code /health} from answering for 30 s. Now requests run on virtual threads,
 * stalled connections are dropped after the idle timeout, and one address holds at most {@link
 * ConnectionLimits#maxConnectionsPerAddress()} connections.
 */
class SlowClientsIT {
  static final int ATTACKERS = 250;

  /** Generous: a healthy server answers in milliseconds. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  /** The two daemons, each with its upload route and its health route. */
  enum Daemon {
    NODE("/v1/chunks", "/v1/health"),
    PROXY("/put", "/health");

    final String upload;
    final String health;

    Daemon(String upload, String health) {
      this.upload = upload;
      this.health = health;
    }

    Running start(ConnectionLimits limits) {
      return switch (this) {
        case NODE -> {
          DaNodeServer s =
              DaNodeServer.start(new IdleNode(), "127.0.0.1", 0, Duration.ofHours(1), limits);
          yield new Running(s.port(), s);
        }
        case PROXY -> {
          DaProxyServer s = DaProxyServer.start(new EmptyDa(), "127.0.0.1", 0, limits);
          yield new Running(s.port(), s);
        }
      };
    }
  }

  record Running(int port, AutoCloseable server) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();

  @ParameterizedTest
  @EnumSource(Daemon.class)
  void slowlorisFromManyAddressesLeavesHealthAnswering(Daemon d) throws Exception {
    try (Running r = d.start(new ConnectionLimits(Duration.ofSeconds(60), 64))) {
      List<Socket> attack = new ArrayList<>();
      try {
        for (int i = 0; i < ATTACKERS; i++) {
          // Five addresses, 50 each: under the per-address limit, so only threads and timeouts
          // protect /health.
          attack.add(partialHeaders(r.port(), loopback(2 + i % 5), d.health));
        }
        assertThat(health(r.port(), d).statusCode()).isEqualTo(200);
        // Refusals happen at accept, so a second is plenty to see one.
        assertThat(closedWithin(attack, attack.size(), Duration.ofSeconds(1)))
            .as("no attacker under the limit is refused")
            .isEmpty();
      } finally {
        closeAll(attack);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Daemon.class)
  void stalledUploadsHoldNoThreadAndAreDropped(Daemon d) throws Exception {
    try (Running r = d.start(new ConnectionLimits(Duration.ofSeconds(2), 64))) {
      List<Socket> attack = new ArrayList<>();
      try {
        for (int i = 0; i < ATTACKERS; i++) {
          // Before: each stalled body held one of the 250 platform threads of Jetty's pool.
          attack.add(stalledUpload(r.port(), loopback(2 + i % 5), d.upload));
        }
        assertThat(health(r.port(), d).statusCode()).isEqualTo(200);
        assertThat(closedWithin(attack, ATTACKERS, PATIENCE))
            .as("every stalled upload is dropped by the idle timeout")
            .hasSize(ATTACKERS);
      } finally {
        closeAll(attack);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Daemon.class)
  void oneAddressGetsAtMostItsLimit(Daemon d) throws Exception {
    int limit = 64;
    try (Running r = d.start(new ConnectionLimits(Duration.ofSeconds(60), limit))) {
      List<Socket> attack = new ArrayList<>();
      try {
        for (int i = 0; i < ATTACKERS; i++) {
          attack.add(partialHeaders(r.port(), loopback(2), d.health));
        }
        assertThat(health(r.port(), d).statusCode()).isEqualTo(200);
        assertThat(closedWithin(attack, ATTACKERS - limit, PATIENCE))
            .as("connections over the per-address limit are closed")
            .hasSize(ATTACKERS - limit);
      } finally {
        closeAll(attack);
      }
    }
  }

  HttpResponse<String> health(int port, Daemon d) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + d.health))
            .timeout(PATIENCE)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static InetAddress loopback(int last) throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
  }

  static Socket connect(int port, InetAddress from) throws IOException {
    Socket c = new Socket();
    c.bind(new InetSocketAddress(from, 0));
    c.connect(new InetSocketAddress("127.0.0.1", port), (int) PATIENCE.toMillis());
    return c;
  }

  /** Classic slowloris: a request line and part of a header, then nothing. */
  static Socket partialHeaders(int port, InetAddress from, String path) throws IOException {
    Socket c = connect(port, from);
    c.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII));
    c.getOutputStream().flush();
    return c;
  }

  /** Full headers of a 1 MiB upload, 100 bytes of it, then nothing. */
  static Socket stalledUpload(int port, InetAddress from, String path) throws IOException {
    Socket c = connect(port, from);
    c.getOutputStream()
        .write(
            ("POST "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 1048576\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    c.getOutputStream().write(new byte[100]);
    c.getOutputStream().flush();
    return c;
  }

  /**
   * The sockets the server ends (EOF or reset), polled in rounds until {@code expected} have ended
   * or {@code within} has passed, then one more round so that extra closes show too.
   */
  static Set<Socket> closedWithin(List<Socket> sockets, int expected, Duration within)
      throws IOException {
    Set<Socket> closed = new HashSet<>();
    long end = System.nanoTime() + within.toNanos();
    boolean last = false;
    while (!last) {
      last = closed.size() >= expected || System.nanoTime() >= end;
      for (Socket c : sockets) {
        if (!closed.contains(c) && ended(c)) {
          closed.add(c);
        }
      }
    }
    return closed;
  }

  private static boolean ended(Socket c) throws IOException {
    c.setSoTimeout(5);
    try {
      while (c.getInputStream().read() != -1) {
        // An error answer may come before the close.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  static void closeAll(List<Socket> sockets) {
    for (Socket c : sockets) {
      try {
        c.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  /** A node with nothing stored: the tests never get past HTTP. */
  static final class IdleNode implements DaNodeApi {
    @Override
    public Address operator() {
      return Address.ZERO;
    }

    @Override
    public StoreReceipt store(ChunkUpload upload, Uploader uploader) {
      throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public BlobHeader header(Bytes32 blobKey) {
      throw new UnknownBlobException("no blob " + blobKey);
    }

    @Override
    public List<Chunk> chunks(Bytes32 blobKey, List<Integer> indices) {
      throw new UnknownBlobException("no blob " + blobKey);
    }

    @Override
    public int blobCount() {
      return 0;
    }

    @Override
    public int sweep() {
      return 0;
    }
  }

  static final class EmptyDa implements DataAvailability {
    @Override
    public DaCertificate put(byte[] data) {
      throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public byte[] get(Bytes32 blobKey) {
      throw new UnknownBlobException("no blob " + blobKey);
    }

    @Override
    public boolean isAvailable(Bytes32 blobKey) {
      return false;
    }
  }
}
