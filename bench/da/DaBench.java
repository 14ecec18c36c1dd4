import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.LocalCertificateRegistry;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.SubBlob;
import dev.trustdial.da.node.ChunkStore;
import dev.trustdial.da.node.DaNode;
import dev.trustdial.da.node.DaNodeServer;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.retriever.Retriever;
import ethereum.ckzg4844.CKZG4844JNI;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * DA benchmarks (docs in bench/da/README.md). Prints figures; asserts nothing about time.
 * 1. encode + commit + cell proofs per core, ours vs the bare jc-kzg calls on the same sub-blobs;
 * 2. end-to-end put of 1 MiB and 16 MiB to 8 local nodes (in this JVM, over HTTP on loopback);
 * 3. get latency p50/p99 for 1 MiB with all 8 nodes up and with 4 of them down.
 */
public class DaBench {
  public static void main(String[] args) throws Exception {
    int precompute = Integer.getInteger("precompute", 8);
    int gets = Integer.getInteger("gets", 15);
    Kzg kzg = JniKzg.load(precompute);
    System.out.printf("cores=%d precompute=%d load=%s%n", Runtime.getRuntime().availableProcessors(), precompute,
        Files.readString(Path.of("/proc/loadavg")).trim());

    // 1. per-core encoding throughput, ours vs bare JNI, interleaved rounds on the same data
    byte[] data = random(2 * 1024 * 1024, 1);
    List<SubBlob> subs = BlobCodec.encode(data);
    List<byte[]> raw = subs.stream().map(SubBlob::bytes).toList();
    for (int warm = 0; warm < 1; warm++) {
      ours(kzg, data);
      bare(raw);
    }
    long oursNs = 0, bareNs = 0;
    int rounds = Integer.getInteger("rounds", 3);
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      bare(raw);
      long t1 = System.nanoTime();
      ours(kzg, data);
      long t2 = System.nanoTime();
      bareNs += t1 - t0;
      oursNs += t2 - t1;
    }
    double mb = data.length / 1e6 * rounds;
    System.out.printf("encode+commit+cells, 1 core, %d sub-blobs x %d rounds: ours %.3f MB/s, bare jc-kzg %.3f MB/s, overhead x%.3f%n",
        subs.size(), rounds, mb / (oursNs / 1e9), mb / (bareNs / 1e9), (double) oursNs / bareNs);

    // 2 + 3. a local network of 8 nodes
    Path dir = Files.createTempDirectory("da-bench");
    List<Operator> ops = new ArrayList<>();
    List<Secp256k1Key> keys = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Secp256k1Key k = Secp256k1Key.generate();
      keys.add(k);
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      }
      ops.add(new Operator(k.address(), BigInteger.valueOf(100), URI.create("http://127.0.0.1:" + ports.get(i))));
    }
    OperatorSet set = new OperatorSet(0, ops);
    StaticOperatorSetSource source = new StaticOperatorSetSource(set);
    List<DaNodeServer> servers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      DaNode node = new DaNode(keys.get(i), AttestationDomain.LOCAL, source, new ChunkStore(dir.resolve("n" + i)), kzg, Clock.systemUTC(),
          Duration.ofDays(1));
      servers.add(DaNodeServer.start(node, "127.0.0.1", ports.get(i), Duration.ofMinutes(5)));
    }
    CertificateVerifier verifier = new CertificateVerifier(SecurityParams.DEFAULT, AttestationDomain.LOCAL);
    HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofMinutes(5));
    Disperser disperser = new Disperser(kzg, source, http, verifier, Clock.systemUTC(), Duration.ofHours(1));
    Retriever retriever = new Retriever(kzg, source, http);
    DaClient da = new DaClient(disperser, retriever,
        LocalCertificateRegistry.inMemory(verifier, source, Clock.systemUTC()));

    DaCertificate oneMiB = null;
    for (int size : new int[] {1 << 20, 16 << 20}) {
      byte[] blob = random(size, size);
      long t0 = System.nanoTime();
      DaCertificate c = da.put(blob);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("put %5.1f MiB to 8 nodes: %.2f s, %.3f MB/s, %d signatures%n", size / 1048576.0, s,
          size / 1e6 / s, c.signatures().size());
      if (size == 1 << 20) {
        oneMiB = c;
      }
    }
    latency("get 1 MiB, 8/8 nodes up", retriever, oneMiB, gets);
    // Stop the four nodes with the most systematic chunks of this blob: the worst case for recovery.
    var assignment = dev.trustdial.da.assignment.ChunkAssignment.of(set, oneMiB.blobKey());
    Integer[] order = new Integer[8];
    for (int i = 0; i < 8; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(systematic(assignment, b), systematic(assignment, a)));
    for (int i = 0; i < 4; i++) {
      Operator victim = set.get(order[i]);
      for (DaNodeServer sv : servers) {
        if (sv.node().operator().equals(victim.signer())) {
          sv.close();
        }
      }
    }
    latency("get 1 MiB, 4/8 nodes up (recovery)", retriever, oneMiB, gets);
    System.exit(0);
  }

  static long systematic(dev.trustdial.da.assignment.ChunkAssignment a, int op) {
    return a.chunksOf(op).stream().filter(j -> j < 64).count();
  }

  static void latency(String label, Retriever r, DaCertificate c, int n) {
    double[] ms = new double[n];
    boolean recovered = false;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Retriever.Retrieval got = r.retrieveWithStats(c.header());
      ms[i] = (System.nanoTime() - t0) / 1e6;
      recovered |= got.recovered();
    }
    Arrays.sort(ms);
    System.out.printf("%s: n=%d p50 %.0f ms, p99 %.0f ms (max of n), recovered=%s%n", label, n, ms[n / 2],
        ms[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)], recovered);
  }

  static void ours(Kzg kzg, byte[] data) {
    // The same steps BlobEncoder runs per sub-blob, on one thread.
    for (SubBlob s : BlobCodec.encode(data)) {
      kzg.commit(s);
      kzg.cellsAndProofs(s);
    }
  }

  static void bare(List<byte[]> subBlobs) {
    for (byte[] b : subBlobs) {
      CKZG4844JNI.blobToKzgCommitment(b);
      CKZG4844JNI.computeCellsAndKzgProofs(b);
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
