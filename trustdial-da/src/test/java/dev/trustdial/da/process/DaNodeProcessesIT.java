package dev.trustdial.da.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.LocalCertificateRegistry;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.chunk.BlobEncoder;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.EncodedBlob;
import dev.trustdial.da.disperser.DispersalFailedException;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.network.FreePorts;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.retriever.Retriever;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four DA nodes as separate JVMs: dispersal, SIGKILL of half of them, restart on the same data, a
 * byzantine node serving corrupted cells, too few signatures, and refused input over HTTP. The
 * steps share the network and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaNodeProcessesIT {
  private static final int NODES = 4;
  private static final Kzg KZG = JniKzg.load();
  @TempDir static Path dir;
  private static final List<Secp256k1Key> keys = new ArrayList<>();
  private static final List<Integer> ports = new ArrayList<>();
  private static final ChildJvm.Started[] processes = new ChildJvm.Started[NODES];
  private static OperatorSet set;
  private static StaticOperatorSetSource source;
  private static final HttpDaNodeClient transport = new HttpDaNodeClient(Duration.ofSeconds(60));
  private static final CertificateVerifier verifier =
      new CertificateVerifier(SecurityParams.DEFAULT, AttestationDomain.LOCAL);
  private static LocalCertificateRegistry registry;
  private static DaClient da;
  private static byte[] data;
  private static DaCertificate cert;

  @BeforeAll
  static void startNetwork() throws Exception {
    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Secp256k1Key k = Secp256k1Key.fromPrivateKeyHex("0x" + String.format("%064x", 5000 + i));
      keys.add(k);
      ports.add(FreePorts.next());
      ops.add(
          new Operator(
              k.address(),
              BigInteger.valueOf(1000),
              URI.create("http://127.0.0.1:" + ports.get(i))));
    }
    set = new OperatorSet(0, ops);
    source = new StaticOperatorSetSource(set);
    OperatorSetFile.write(set, dir.resolve("operators.json"));
    for (int i = 0; i < NODES; i++) {
      Files.writeString(
          dir.resolve("node" + i + ".json"),
          """
          {"privateKey": "%s", "host": "127.0.0.1", "port": %d, "dataDir": "data%d",
           "operators": "operators.json", "sweepIntervalSeconds": 60, "maxRetentionSeconds": 86400}
          """
              .formatted(keys.get(i).privateKeyHex(), ports.get(i), i));
    }
    List<Thread> starters = new ArrayList<>();
    Exception[] failure = new Exception[1];
    for (int i = 0; i < NODES; i++) {
      int n = i;
      starters.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  processes[n] = start(DaNodeMain.class, n);
                } catch (Exception e) {
                  failure[0] = e;
                }
              }));
    }
    for (Thread t : starters) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    registry = LocalCertificateRegistry.inMemory(verifier, source, Clock.systemUTC());
    Disperser disperser =
        new Disperser(KZG, source, transport, verifier, Clock.systemUTC(), Duration.ofHours(1));
    da = new DaClient(disperser, new Retriever(KZG, source, transport), registry);
    data = new byte[100_000];
    new Random(11).nextBytes(data);
  }

  private static ChildJvm.Started start(Class<?> main, int i) throws Exception {
    // C1 only: a DA node's heavy work is native (KZG, RocksDB).
    return ChildJvm.Launch.of(
            "node" + i, main, dir.resolve("node" + i + "-" + main.getSimpleName() + ".log"))
        .withJvmFlags(List.of("-XX:TieredStopAtLevel=1"))
        .withArgs(List.of(dir.resolve("node" + i + ".json").toString()))
        .start();
  }

  @AfterAll
  static void stopNetwork() {
    for (ChildJvm.Started p : processes) {
      if (p != null) {
        p.close();
      }
    }
  }

  private static HttpResponse<String> http(HttpRequest.Builder req) throws Exception {
    return HttpClient.newHttpClient()
        .send(req.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI url(int node, String path) {
    return URI.create("http://127.0.0.1:" + ports.get(node) + path);
  }

  @Test
  @Order(1)
  void refusesBadInputWith4xxAndStoresNothing() throws Exception {
    assertThat(
            http(HttpRequest.newBuilder(url(0, "/v1/chunks"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 0, 0, 3, 1, 2, 3})))
                .statusCode())
        .isEqualTo(400);
    byte[] badHeader = new byte[4 + 23];
    badHeader[3] = 23;
    badHeader[4] = 9; // version 9
    HttpResponse<String> r =
        http(
            HttpRequest.newBuilder(url(0, "/v1/chunks"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(badHeader)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("version");
    // Over the limit: the node refuses before reading a body that large.
    HttpResponse<String> big =
        http(
            HttpRequest.newBuilder(url(0, "/v1/chunks"))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[(int) ChunkUpload.MAX_BYTES + 1])));
    assertThat(big.statusCode()).isBetween(400, 499);
    assertThat(
            http(HttpRequest.newBuilder(url(0, "/v1/blobs/0x" + "ab".repeat(32) + "/header")).GET())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            http(HttpRequest.newBuilder(url(0, "/v1/blobs/nothex/chunks?index=1")).GET())
                .statusCode())
        .isEqualTo(400);
    assertThat(http(HttpRequest.newBuilder(url(0, "/v1/health")).GET()).body())
        .contains("\"blobs\":0");
    // Over-limit blob at the client: refused before anything is sent.
    assertThatThrownBy(() -> da.put(new byte[16 * 1024 * 1024 + 1])).hasMessageContaining("16 MiB");
  }

  @Test
  @Order(2)
  void nodesRefuseBadCellsFromADisperserAndDoNotSign() throws Exception {
    byte[] other = new byte[20_000];
    new Random(13).nextBytes(other);
    EncodedBlob enc = new BlobEncoder(KZG).encode(other);
    BlobHeader header =
        new BlobHeader(
            other.length, 0, Clock.systemUTC().instant().getEpochSecond() + 600, enc.commitments());
    List<Chunk> chunks = new ArrayList<>(enc.chunks());
    ChunkAssignment assignment = ChunkAssignment.of(set, header.blobKey());
    for (int op = 0; op < NODES; op++) {
      int j = assignment.chunksOf(op).getFirst();
      byte[] cell = chunks.get(j).cells().getFirst().bytes();
      cell[3] ^= 0x01;
      chunks.set(j, new Chunk(j, List.of(new Cell(cell)), chunks.get(j).proofs()));
    }
    Disperser d =
        new Disperser(KZG, source, transport, verifier, Clock.systemUTC(), Duration.ofHours(1));
    assertThatThrownBy(() -> d.disperse(header, chunks, set))
        .isInstanceOf(DispersalFailedException.class)
        .hasMessageContaining("422");
    for (int i = 0; i < NODES; i++) {
      assertThat(
              http(HttpRequest.newBuilder(
                          url(i, "/v1/blobs/" + header.blobKey().toHex() + "/header"))
                      .GET())
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  @Order(3)
  void dispersesToAllAndReadsBack() {
    cert = da.put(data);
    assertThat(cert.signatures()).hasSize(NODES);
    assertThat(da.get(cert.blobKey())).isEqualTo(data);
  }

  @Test
  @Order(4)
  void survivesHalfTheNodesKilled() throws Exception {
    processes[0].kill();
    processes[1].kill();
    Retriever.Retrieval r = new Retriever(KZG, source, transport).retrieveWithStats(cert.header());
    assertThat(r.data()).isEqualTo(data);
    // the killed nodes held systematic chunks, so this went through recovery from parity
    assertThat(r.recovered()).isTrue();
  }

  @Test
  @Order(5)
  void tooFewLiveNodesGiveNoCertificate() {
    byte[] other = new byte[10_000];
    new Random(12).nextBytes(other);
    assertThatThrownBy(() -> da.put(other))
        .isInstanceOf(DispersalFailedException.class)
        .hasMessageContaining("below the 6667 bps");
  }

  @Test
  @Order(6)
  void restartedNodeStillHasItsChunks() throws Exception {
    processes[0] = start(DaNodeMain.class, 0);
    HttpResponse<String> h =
        http(
            HttpRequest.newBuilder(url(0, "/v1/blobs/" + cert.blobKey().toHex() + "/header"))
                .GET());
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(http(HttpRequest.newBuilder(url(0, "/v1/health")).GET()).body())
        .contains("\"blobs\":1");
  }

  @Test
  @Order(7)
  void corruptedCellsFromAByzantineNodeAreRejectedAndRetrievalSucceeds() throws Exception {
    // Node 1 comes back on its own data but flips a bit in every cell it serves.
    processes[1] = start(CorruptingDaNodeMain.class, 1);
    Retriever.Retrieval r = new Retriever(KZG, source, transport).retrieveWithStats(cert.header());
    assertThat(r.data()).isEqualTo(data);
    assertThat(r.rejectedChunks()).isPositive();
    assertThat(da.get(cert.blobKey())).isEqualTo(data);
  }
}
