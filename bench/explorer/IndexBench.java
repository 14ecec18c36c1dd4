import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementEvent.*;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxFacts;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.index.ChainSource;
import dev.trustdial.explorer.index.Indexer;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.web.ExplorerServer;
import dev.trustdial.explorer.web.Views;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Index speed and page times of the explorer over a synthetic history: -Djobs=N jobs of one app,
 * each submitted, queued, assigned, with 4 heartbeats, a result and a finalization (9 events in 8
 * transactions), one block per job. Reads come from memory: this measures the index, not the RPC.
 */
public class IndexBench {
  public static void main(String[] args) throws Exception {
    int jobs = Integer.getInteger("jobs", 2000);
    Synthetic chain = new Synthetic(jobs);
    Path dir = Files.createTempDirectory("explorer-bench");
    try (ExplorerStore store = ExplorerStore.open(dir, "bench")) {
      long t0 = System.nanoTime();
      int events = new Indexer(chain, store, new ExplorerMetrics(), 200).catchUp();
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("indexed %,d events (%,d jobs) in %.2f s: %,.0f events/s, batches of 200 blocks, H2 file database%n", events, jobs, s, events / s);
      ExplorerServer server = ExplorerServer.start(new Views(store, new TrustAdvisor(store, true), Optional.empty()), new ExplorerMetrics(),
          "127.0.0.1", 0);
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/", "/jobs", "/jobs/" + (jobs / 2), "/api/jobs/" + (jobs / 2), "/operators/" + Synthetic.OP, "/advisor",
          "/advisor?deterministic=true&steps=100000")) {
        double[] ms = new double[15];
        for (int i = 0; i < ms.length + 5; i++) {
          long a = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
          }
          if (i >= 5) {
            ms[i - 5] = (System.nanoTime() - a) / 1e6;
          }
        }
        Arrays.sort(ms);
        System.out.printf("GET %-42s median %6.1f ms (15 runs after 5 warm-up)%n", path, ms[ms.length / 2]);
      }
      server.close();
    }
  }

  static final class Synthetic implements ChainSource {
    static final Address OP = addr(1);
    final List<SettlementEvent> events = new ArrayList<>();
    final Map<String, TxFacts> txs = new HashMap<>();
    int tx;
    final Map<Long, Integer> logs = new HashMap<>();

    Synthetic(int jobs) {
      add(1, w -> new OperatorRegistered(w, OP, Set.of(Role.COMPUTE, Role.VERIFIER), OP, "http://x"));
      add(1, w -> new Delegated(w, OP, OP, BigInteger.TEN.pow(21), BigInteger.TEN.pow(21)));
      add(1, w -> new AppCreated(w, BigInteger.ONE, OP, TrustMode.REEXEC_INTERSUBJECTIVE, word(1)));
      for (int jj = 1; jj <= jobs; jj++) {
        final int j = jj;
        BigInteger id = BigInteger.valueOf(j);
        long b = 1 + j;
        String submit = add(b, w -> new JobSubmitted(w, id, BigInteger.ONE, OP, word(j), 1_000_000, BigInteger.TEN.pow(18)));
        addTo(submit, b, w -> new JobQueued(w, id, 1, b + 1, b));
        add(b, w -> new JobAssigned(w, id, OP, 1, 0, Bytes32.ZERO));
        for (int hh = 1; hh <= 4; hh++) {
          final int h = hh;
          long step = (long) h << 20;
          add(b, w -> new HeartbeatPosted(w, id, OP, step, word(h), word(j * 8 + h)));
        }
        add(b, w -> new ResultSubmitted(w, id, OP, new ResultCommitment(word(2), word(3), 5_000_000, word(4)), word(j * 8 + 7)));
        add(b, w -> new JobFinalized(w, id, OP, word(2), BigInteger.TEN.pow(18)));
      }
    }

    String add(long block, java.util.function.Function<Where, SettlementEvent> f) {
      String h = String.format("0x%064x", ++tx);
      txs.put(h, new TxFacts(h, OP, block, 100_000, "JobManager.x"));
      return addTo(h, block, f);
    }

    String addTo(String h, long block, java.util.function.Function<Where, SettlementEvent> f) {
      events.add(f.apply(new Where(block, h, logs.merge(block, 1, Integer::sum) - 1)));
      return h;
    }

    static Bytes32 word(long v) {
      byte[] b = new byte[32];
      for (int i = 0; i < 8; i++) {
        b[31 - i] = (byte) (v >>> (8 * i));
      }
      b[0] = 1;
      return new Bytes32(b);
    }

    static Address addr(int v) {
      byte[] b = new byte[20];
      b[19] = (byte) v;
      return new Address(b);
    }

    @Override public long head() { return events.getLast().where().block(); }

    @Override public List<SettlementEvent> events(long from, long to) {
      return events.stream().filter(e -> e.where().block() >= from && e.where().block() <= to).toList();
    }

    @Override public long blockTime(long block) { return 1_700_000_000L + 2 * block; }

    @Override public TxFacts transaction(String h) { return txs.get(h); }

    @Override public List<ObjectiveMatchEvent> matchEvents(BigInteger d, long from, long to) { return List.of(); }
  }
}
