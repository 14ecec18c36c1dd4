package dev.trustdial.explorer;

import dev.trustdial.chain.Settlement;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.BlobInspector;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.detail.AppChainView;
import dev.trustdial.explorer.detail.DetailException;
import dev.trustdial.explorer.detail.JobDetails;
import dev.trustdial.explorer.index.Indexer;
import dev.trustdial.explorer.index.SettlementChainSource;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.web.ExplorerServer;
import dev.trustdial.explorer.web.Views;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A running explorer: the indexer following one deployment into its H2 index and the web server
 * over it. It only reads the chain (its account is a fresh key that never signs) and DA.
 */
public final class Explorer implements AutoCloseable {
  /**
   * The DA threshold the explorer's DA client is built with (it only reads; the devnet's is the
   * same).
   */
  public static final int DA_THRESHOLD_BPS = 6667;

  /**
   * @param dataDir where the H2 index lives
   * @param reindexFrom re-read the chain from this block (rows at or after it are deleted, earlier
   *     ones replayed)
   * @param pollMillis how often the indexer looks for new blocks
   * @param devnet whether the chain is the project's devnet (the advisor labels its simulated
   *     parts)
   */
  public record Options(
      Path dataDir,
      String host,
      int port,
      OptionalLong reindexFrom,
      long pollMillis,
      boolean devnet) {
    public Options {
      if (port < 0 || port > 65535) {
        throw new InvalidInputException("--port must be within 0..65535, got " + port);
      }
      if (pollMillis < 100 || pollMillis > 600_000) {
        throw new InvalidInputException(
            "the poll interval must be within 100 ms..10 min, got " + pollMillis + " ms");
      }
      if (reindexFrom.isPresent() && reindexFrom.getAsLong() < 0) {
        throw new InvalidInputException(
            "--reindex-from must be a block number >= 0, got " + reindexFrom.getAsLong());
      }
    }
  }

  private final Settlement settlement;
  private final ExplorerStore store;
  private final Indexer indexer;
  private final ExplorerServer server;
  private final Optional<LazyDa> da;
  private final String host;

  private Explorer(
      Settlement settlement,
      ExplorerStore store,
      Indexer indexer,
      ExplorerServer server,
      Optional<LazyDa> da,
      String host) {
    this.settlement = settlement;
    this.store = store;
    this.indexer = indexer;
    this.server = server;
    this.da = da;
    this.host = host;
  }

  public static Explorer start(ChainConfig chain, Options o) {
    return start(chain, o, java.util.List.of());
  }

  /**
   * @param teeSimulationRoots roots of the devnet's simulated TEE installs: TEE job pages then
   *     accept their (INSECURE, dev-only) evidence when they check an answer bundle; empty:
   *     hardware roots only
   */
  public static Explorer start(
      ChainConfig chain,
      Options o,
      java.util.List<java.security.cert.X509Certificate> teeSimulationRoots) {
    Settlement settlement =
        Settlement.connect(chain.rpcUrl(), chain.deployment(), Secp256k1Key.generate());
    ExplorerStore store = null;
    Optional<LazyDa> lazyDa = Optional.empty();
    try {
      store =
          ExplorerStore.open(o.dataDir(), chain.chainId() + ":" + chain.deployment().jobManager());
      if (o.reindexFrom().isPresent()) {
        store.reindexFrom(o.reindexFrom().getAsLong());
      }
      ExplorerMetrics metrics = new ExplorerMetrics();
      Indexer indexer = new Indexer(new SettlementChainSource(settlement), store, metrics, 2_000);
      lazyDa = chain.blobRegistry().map(r -> new LazyDa(chain));
      Optional<DataAvailability> da = lazyDa.map(DataAvailability.class::cast);
      Views views =
          new Views(
              store,
              new TrustAdvisor(store, o.devnet()),
              da,
              new JobDetails(
                  da,
                  new SettlementApps(settlement),
                  JobDetails.Limits.DEFAULT,
                  teeSimulationRoots));
      ExplorerServer server = ExplorerServer.start(views, metrics, o.host(), o.port());
      indexer.follow(o.pollMillis());
      return new Explorer(settlement, store, indexer, server, lazyDa, o.host());
    } catch (RuntimeException e) {
      lazyDa.ifPresent(LazyDa::close);
      if (store != null) {
        store.close();
      }
      settlement.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  public URI url() {
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** Indexes up to the chain's head now (the follower does the same every poll). */
  public int catchUp() {
    return indexer.catchUp();
  }

  /**
   * Stops serving and indexing, then releases the DA client (if a page opened it), the store and
   * the chain connection.
   */
  @Override
  public void close() {
    server.close();
    indexer.close();
    da.ifPresent(LazyDa::close);
    store.close();
    settlement.close();
  }

  /** A TEE app's policy and signer, read from AppRegistry when a job page needs them. */
  private record SettlementApps(Settlement settlement) implements AppChainView {
    @Override
    public byte[] policy(long appId) {
      try {
        return settlement.app(java.math.BigInteger.valueOf(appId)).policy();
      } catch (RuntimeException e) {
        throw new DetailException(
            "cannot read app " + appId + " from AppRegistry: " + e.getMessage());
      }
    }

    @Override
    public Optional<dev.trustdial.core.crypto.Address> teeSigner(long appId) {
      try {
        return settlement.teeSignerOf(java.math.BigInteger.valueOf(appId));
      } catch (RuntimeException e) {
        throw new DetailException(
            "cannot read app " + appId + "'s signer from AppRegistry: " + e.getMessage());
      }
    }
  }

  /**
   * The DA client is built on the first "verify availability" or blob page (it loads the KZG
   * setup); {@link #close} releases it, and no page opens another after that.
   */
  private static final class LazyDa implements DataAvailability, BlobInspector, AutoCloseable {
    private final ChainConfig chain;
    private DaClient client;
    private boolean closed;

    LazyDa(ChainConfig chain) {
      this.chain = chain;
    }

    private synchronized DaClient client() {
      if (closed) {
        throw new IllegalStateException("the explorer is shutting down");
      }
      if (client == null) {
        // The key pays for nothing: the explorer never puts a blob.
        client =
            DaClient.onChain(chain, Secp256k1Key.generate(), DA_THRESHOLD_BPS, Duration.ofDays(7));
      }
      return client;
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (client != null) {
        client.close();
        client = null;
      }
    }

    @Override
    public DaCertificate put(byte[] data) {
      throw new UnsupportedOperationException("the explorer only reads DA");
    }

    @Override
    public byte[] get(Bytes32 blobKey) {
      return client().get(blobKey);
    }

    @Override
    public boolean isAvailable(Bytes32 blobKey) {
      return client().isAvailable(blobKey);
    }

    @Override
    public BlobInspection inspect(Bytes32 blobKey) {
      return client().inspect(blobKey);
    }

    @Override
    public RetrievalTest testRetrieval(Bytes32 blobKey) {
      return client().testRetrieval(blobKey);
    }
  }
}
