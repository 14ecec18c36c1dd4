package dev.trustdial.da.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
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
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.node.ChunkStore;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNode;
import dev.trustdial.da.node.DaNodeServer;
import dev.trustdial.da.node.DaNodeTransport;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.node.StoreReceipt;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.retriever.Retriever;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disperser, four in-process HTTP DA nodes and retriever, with faults injected in-process. */
class DaClientIT {
  private static final Kzg KZG = JniKzg.load();
  @TempDir Path dir;
  private final List<DaNodeServer> servers = new ArrayList<>();
  private final List<ChunkStore> stores = new ArrayList<>();
  private OperatorSet set;
  private StaticOperatorSetSource source;
  private final CertificateVerifier verifier =
      new CertificateVerifier(SecurityParams.DEFAULT, AttestationDomain.LOCAL);
  private final HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(30));

  @BeforeEach
  void startNodes() {
    List<Secp256k1Key> keys = new ArrayList<>();
    List<Operator> ops = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Secp256k1Key k = Secp256k1Key.fromPrivateKeyHex("0x" + String.format("%064x", 1000 + i));
      int port = FreePorts.next();
      keys.add(k);
      ports.add(port);
      ops.add(new Operator(k.address(), BigInteger.TEN, URI.create("http://127.0.0.1:" + port)));
    }
    set = new OperatorSet(0, ops);
    source = new StaticOperatorSetSource(set);
    for (int i = 0; i < 4; i++) {
      ChunkStore store = new ChunkStore(dir.resolve("node" + i));
      stores.add(store);
      DaNode node =
          new DaNode(
              keys.get(i),
              AttestationDomain.LOCAL,
              source,
              store,
              KZG,
              Clock.systemUTC(),
              Duration.ofDays(1));
      servers.add(DaNodeServer.start(node, "127.0.0.1", ports.get(i), Duration.ofMinutes(1)));
    }
  }

  @AfterEach
  void stopNodes() {
    servers.forEach(DaNodeServer::close);
    stores.forEach(ChunkStore::close);
  }

  private DaClient client(DaNodeTransport transport, LocalCertificateRegistry registry) {
    Disperser d =
        new Disperser(KZG, source, transport, verifier, Clock.systemUTC(), Duration.ofHours(1));
    return new DaClient(d, new Retriever(KZG, source, transport), registry);
  }

  private LocalCertificateRegistry registry() {
    return LocalCertificateRegistry.inMemory(verifier, source, Clock.systemUTC());
  }

  private static byte[] blob(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private int serverIndexOf(Operator op) {
    for (int i = 0; i < servers.size(); i++) {
      if (servers.get(i).node().operator().equals(op.signer())) {
        return i;
      }
    }
    throw new AssertionError();
  }

  @Test
  void putThenGetWithAllNodesAndWithHalfOfThemDown() {
    LocalCertificateRegistry registry = registry();
    DaClient da = client(http, registry);
    byte[] data = blob(150_000, 1); // two sub-blobs
    DaCertificate cert = da.put(data);
    assertThat(cert.signatures()).hasSize(4);
    assertThat(da.isAvailable(cert.blobKey())).isTrue();
    assertThat(da.get(cert.blobKey())).isEqualTo(data);

    // Stop two of the four nodes: their systematic chunks are gone, so recovery from parity is
    // needed.
    servers.get(0).close();
    servers.get(1).close();
    Retriever.Retrieval r = new Retriever(KZG, source, http).retrieveWithStats(cert.header());
    assertThat(r.data()).isEqualTo(data);
    assertThat(r.recovered()).isTrue();
    assertThat(r.verifiedChunks()).isEqualTo(64);
  }

  @Test
  void inspectionNamesTheSignersTheirSharesAndWhichNodeHoldsWhichChunk() {
    DaClient da = client(http, registry());
    DaCertificate cert = da.put(blob(40_000, 5));
    Bytes32 key = cert.blobKey();

    BlobInspection in = da.inspect(key);
    assertThat(in.size()).isEqualTo(40_000);
    BlobInspection.CertificateReport c = in.certificate().orElseThrow();
    assertThat(c.signers())
        .extracting(BlobInspection.Signer::signer)
        .containsExactlyElementsOf(set.operators().stream().map(Operator::signer).toList());
    assertThat(c.signers()).allSatisfy(s -> assertThat(s.shareBps()).isEqualTo(2500));
    assertThat(c.signedStake()).isEqualTo(BigInteger.valueOf(40));
    assertThat(c.quorumMet()).isTrue();
    assertThat(c.thresholdBps()).isEqualTo(6667);
    assertThat(c.guaranteedChunks()).isEqualTo(128);
    assertThat(in.nodes()).hasSize(4).allSatisfy(n -> assertThat(n.signed()).isTrue());
    assertThat(in.nodes().stream().mapToInt(n -> n.assignedChunks().size()).sum()).isEqualTo(128);

    RetrievalTest all = da.testRetrieval(key);
    assertThat(all.rebuildable()).isTrue();
    assertThat(all.verifiedChunks()).isEqualTo(128);
    assertThat(all.nodes())
        .allSatisfy(n -> {
          assertThat(n.verified()).containsExactlyInAnyOrderElementsOf(n.assigned());
          assertThat(n.error()).isEmpty();
        });

    // One node down: the test names it and counts only the chunks the others hold.
    int down = serverIndexOf(set.get(1));
    servers.get(down).close();
    RetrievalTest three = da.testRetrieval(key);
    RetrievalTest.NodeRetrieval gone = three.nodes().get(1);
    assertThat(gone.verified()).isEmpty();
    assertThat(gone.error().orElseThrow()).contains("unreachable");
    assertThat(three.verifiedChunks()).isEqualTo(128 - gone.assigned().size());
    assertThat(three.rebuildable()).isTrue();

    assertThatThrownBy(() -> da.inspect(new Bytes32(new byte[32])))
        .isInstanceOf(UnknownBlobException.class);
  }

  @Test
  void corruptedAndForeignChunksAreRejectedAndRetrievalStillSucceeds() {
    DaClient da = client(http, registry());
    byte[] data = blob(50_000, 2);
    DaCertificate cert = da.put(data);
    Operator liar = set.get(2);
    DaNodeTransport lying =
        new DaNodeTransport() {
          @Override
          public StoreReceipt store(Operator o, ChunkUpload u) {
            return http.store(o, u);
          }

          @Override
          public BlobHeader header(Operator o, Bytes32 k) {
            return http.header(o, k);
          }

          @Override
          public List<Chunk> chunks(Operator o, Bytes32 k, List<Integer> indices) {
            List<Chunk> real = http.chunks(o, k, indices);
            if (!o.equals(liar)) {
              return real;
            }
            List<Chunk> out = new ArrayList<>();
            for (Chunk c : real) {
              byte[] cell = c.cells().getFirst().bytes();
              cell[200] ^= 1;
              out.add(new Chunk(c.index(), List.of(new Cell(cell)), c.proofs()));
            }
            // and one genuine chunk relabelled as another index ("foreign" cell)
            if (!real.isEmpty()) {
              Chunk c = real.getFirst();
              out.add(new Chunk((c.index() + 1) % 128, c.cells(), c.proofs()));
            }
            return out;
          }
        };
    Retriever.Retrieval r = new Retriever(KZG, source, lying).retrieveWithStats(cert.header());
    assertThat(r.data()).isEqualTo(data);
    assertThat(r.rejectedChunks()).isPositive();
    // The per-node test blames the liar alone: none of its chunks verify, every other node's all
    // do.
    RetrievalTest t = new Retriever(KZG, source, lying).testEachNode(cert.header());
    assertThat(t.nodes().get(2).verified()).isEmpty();
    assertThat(t.nodes().get(2).rejected()).isEqualTo(t.nodes().get(2).assigned().size() + 1);
    assertThat(t.nodes())
        .filteredOn(n -> n.operatorIndex() != 2)
        .allSatisfy(n -> assertThat(n.verified()).hasSameSizeAs(n.assigned()));
  }

  @Test
  void tooFewLiveNodesGiveNoCertificate() {
    LocalCertificateRegistry registry = registry();
    DaClient da = client(http, registry);
    servers.get(0).close();
    servers.get(3).close();
    assertThatThrownBy(() -> da.put(blob(10_000, 3)))
        .isInstanceOf(DispersalFailedException.class)
        .hasMessageContaining("below the 6667 bps confirmation threshold")
        .hasMessageContaining("unreachable");
  }

  @Test
  void nodesRefuseBadCellsFromADisperserAndDoNotSign() {
    byte[] data = blob(20_000, 4);
    EncodedBlob enc = new BlobEncoder(KZG).encode(data);
    BlobHeader header =
        new BlobHeader(
            data.length, 0, Clock.systemUTC().instant().getEpochSecond() + 600, enc.commitments());
    List<Chunk> chunks = new ArrayList<>(enc.chunks());
    // Corrupt one chunk of each of two nodes: both must refuse, leaving 50% stake.
    var assignment = dev.trustdial.da.assignment.ChunkAssignment.of(set, header.blobKey());
    for (int op : new int[] {0, 1}) {
      int j = assignment.chunksOf(op).getFirst();
      byte[] cell = chunks.get(j).cells().getFirst().bytes();
      cell[1] ^= 0x10;
      chunks.set(j, new Chunk(j, List.of(new Cell(cell)), chunks.get(j).proofs()));
    }
    Disperser d =
        new Disperser(KZG, source, http, verifier, Clock.systemUTC(), Duration.ofHours(1));
    assertThatThrownBy(() -> d.disperse(header, chunks, set))
        .isInstanceOf(DispersalFailedException.class)
        .hasMessageContaining("422");
    for (int op : new int[] {0, 1}) {
      int i = serverIndexOf(set.get(op));
      assertThatThrownBy(() -> servers.get(i).node().header(header.blobKey()))
          .isInstanceOf(UnknownBlobException.class);
    }
  }
}
