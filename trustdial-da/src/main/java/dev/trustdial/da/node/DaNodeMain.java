package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.chain.ChainCertificateRegistry;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.da.chain.ChainOperatorSetSource;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.http.ConnectionLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/** Runs one DA node until the process is stopped: {@code DaNodeMain CONFIG.json}. */
public final class DaNodeMain {
  /**
   * How old a new dispersal's reference block may be for a node to sign it when the set comes from
   * the chain (BlobRegistry's maxReferenceAge agrees). Reads of stored blobs take any reference
   * block.
   */
  public static final long MAX_REFERENCE_AGE_BLOCKS = 256;

  private DaNodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    run(args, UnaryOperator.identity());
  }

  /** {@code wrap} lets fault-injection harnesses put themselves between HTTP and the node. */
  public static void run(String[] args, UnaryOperator<DaNodeApi> wrap) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: DaNodeMain CONFIG.json");
      System.exit(2);
    }
    try {
      DaNodeServer server = start(DaNodeConfig.read(Path.of(args[0])), wrap);
      // Parents that start nodes wait for this line.
      System.out.println("listening " + server.port());
      System.out.flush();
    } catch (InvalidInputException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
    new CountDownLatch(1).await();
  }

  public static DaNodeServer start(DaNodeConfig config) {
    return start(config, UnaryOperator.identity());
  }

  public static DaNodeServer start(DaNodeConfig config, UnaryOperator<DaNodeApi> wrap) {
    OperatorSetSource operators =
        switch (config.operators()) {
          case DaNodeConfig.OperatorOrigin.Fixed(OperatorSet set) ->
              new StaticOperatorSetSource(set);
          case DaNodeConfig.OperatorOrigin.Chain(ChainConfig chain) ->
              ChainOperatorSetSource.of(chain, MAX_REFERENCE_AGE_BLOCKS);
        };
    // Only a chain tells the node which blobs a certificate names; a fixed set has no registry to
    // ask.
    PendingRule pendingRule =
        switch (config.operators()) {
          case DaNodeConfig.OperatorOrigin.Fixed _ -> new PendingRule.KeepUntilExpiry();
          case DaNodeConfig.OperatorOrigin.Chain(ChainConfig chain) ->
              new PendingRule.Enforced(
                  new ChainCertificateRegistry(
                      chain.rpcUrl(),
                      chain.chainId(),
                      chain.attestationDomain().verifier(),
                      config.key()),
                  config.pending());
        };
    // The chain clients' RPC connections end with the process, after the server stops using them.
    List<AutoCloseable> chainClients = new ArrayList<>();
    if (operators instanceof AutoCloseable c) {
      chainClients.add(c);
    }
    if (pendingRule instanceof PendingRule.Enforced e
        && e.certificates() instanceof AutoCloseable c) {
      chainClients.add(c);
    }
    ChunkStore store = new ChunkStore(config.dataDir());
    DaNode node =
        new DaNode(
            config.key(),
            config.operators().domain(),
            operators,
            store,
            JniKzg.load(),
            Clock.systemUTC(),
            config.maxRetention(),
            pendingRule);
    DaNodeServer server =
        DaNodeServer.start(
            wrap.apply(node),
            config.host(),
            config.port(),
            config.sweepInterval(),
            ConnectionLimits.DEFAULT,
            config.uploads());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              server.close();
              store.close();
              for (AutoCloseable c : chainClients) {
                try {
                  c.close();
                } catch (Exception e) {
                  // the process is ending; nothing else holds the connection
                }
              }
            }));
    return server;
  }
}
