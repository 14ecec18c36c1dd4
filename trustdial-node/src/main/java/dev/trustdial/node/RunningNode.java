package dev.trustdial.node;

import dev.trustdial.chain.Settlement;
import dev.trustdial.da.DaClient;
import dev.trustdial.node.config.NodeConfig;
import dev.trustdial.node.job.InferenceJob;
import dev.trustdial.node.job.TeeJob;
import dev.trustdial.node.job.ZkJob;
import dev.trustdial.node.metrics.NodeHttp;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.node.objective.MatchJournal;
import dev.trustdial.node.operator.JobJournal;
import dev.trustdial.node.operator.OperatorNode;
import dev.trustdial.node.verify.TeeAnswerCheck;
import dev.trustdial.node.watchtower.Watchtower;
import dev.trustdial.zk.Snarkjs;
import dev.trustdial.zk.ZkProver;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator or watchtower started from its config, with its HTTP server. Closing stops both, then
 * releases the DA client and the chain connection they used.
 */
public final class RunningNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningNode.class);
  private final AutoCloseable node;
  private final NodeHttp http;
  private final DaClient da;
  private final Settlement chain;

  private RunningNode(AutoCloseable node, NodeHttp http, DaClient da, Settlement chain) {
    this.node = node;
    this.http = http;
    this.da = da;
    this.chain = chain;
  }

  public static RunningNode operator(NodeConfig config, OperatorNode.Faults faults) {
    Settlement chain = Settlement.connect(config.rpcUrl(), config.deployment(), config.key());
    DaClient da = config.da().client(config.key());
    NodeMetrics metrics = new NodeMetrics("operator");
    OperatorNode node =
        new OperatorNode(
            chain,
            da,
            JobJournal.open(config.dataDir()),
            MatchJournal.open(config.dataDir()),
            new InferenceJob.Models(config.dataDir().resolve("models")),
            metrics,
            config.pollInterval(),
            faults,
            config.maxConcurrentJobs(),
            config.vote(),
            config.tee().map(t -> new TeeJob(t, config.dataDir().resolve("tee"))),
            zkProver(config),
            config.checkpoints());
    node.ensureRegistered(config.stakeWei(), "operator");
    node.start();
    return new RunningNode(
        node,
        NodeHttp.start(config.httpHost(), config.httpPort(), metrics, node::health),
        da,
        chain);
  }

  /**
   * The ZK prover when node and snarkjs are installed here (./trustdial build); without them ZK
   * jobs are declined.
   */
  private static Optional<ZkJob> zkProver(NodeConfig config) {
    try {
      return Optional.of(new ZkJob(new ZkProver(Snarkjs.locate(), config.dataDir().resolve("zk"))));
    } catch (IllegalStateException e) {
      LOG.warn(
          "no ZK prover: ZK jobs assigned to this operator will be declined ({})", e.getMessage());
      return Optional.empty();
    }
  }

  public static RunningNode watchtower(NodeConfig config, Watchtower.Faults faults) {
    Settlement chain = Settlement.connect(config.rpcUrl(), config.deployment(), config.key());
    DaClient da = config.da().client(config.key());
    NodeMetrics metrics = new NodeMetrics("watchtower");
    Watchtower node =
        new Watchtower(
            chain,
            da,
            MatchJournal.open(config.dataDir()),
            new InferenceJob.Models(config.dataDir().resolve("models")),
            metrics,
            config.pollInterval(),
            faults,
            TeeAnswerCheck.withSimulationRoots(config.teeSimulationRoots()));
    node.ensureRegistered(config.stakeWei(), "watchtower");
    node.start();
    return new RunningNode(
        node,
        NodeHttp.start(config.httpHost(), config.httpPort(), metrics, node::health),
        da,
        chain);
  }

  public int httpPort() {
    return http.port();
  }

  public String account() {
    return chain.account().toString();
  }

  @Override
  public void close() throws Exception {
    node.close();
    http.close();
    da.close();
    chain.close();
  }
}
