package dev.trustdial.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.node.operator.OperatorNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  private static final String DEPLOYMENT =
      """
      {"chainId": 31337, "StakeToken": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
       "StakeRegistry": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "AppRegistry": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
       "JobManager": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", "IntersubjectiveCourt": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"}\
      """;
  private static final String KEY =
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  @TempDir Path dir;

  private Path write(String json) throws Exception {
    Path f = dir.resolve("node.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void readsAFullConfigWithRelativePaths() throws Exception {
    NodeConfig c =
        NodeConfig.read(
            write(
                """
                {"rpcUrl": "http://127.0.0.1:8545", "deployment": %s, "privateKey": "%s", "dataDir": "data",
                 "da": {"operators": "da/operators.json", "certs": "da/certs", "retentionSeconds": 60},
                 "pollIntervalMillis": 300, "httpPort": 9100, "stake": "150.5"}\
                """
                    .formatted(DEPLOYMENT, KEY)));
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
    assertThat(c.da())
        .isInstanceOfSatisfying(
            DaSettings.Local.class,
            l -> assertThat(l.certs()).isEqualTo(dir.toAbsolutePath().resolve("da/certs")));
    assertThat(c.vote()).isTrue();
    assertThat(c.maxConcurrentJobs()).isEqualTo(4);
    assertThat(c.deployment().chainId()).isEqualTo(31337);
    assertThat(c.pollInterval().toMillis()).isEqualTo(300);
    assertThat(c.httpPort()).isEqualTo(9100);
    assertThat(c.stakeWei()).isEqualTo(new BigInteger("150500000000000000000"));
    assertThat(c.key().address().toString().toLowerCase())
        .isEqualTo("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    assertThat(c.tee()).isEmpty();
  }

  @Test
  void readsTheTeeSectionAndRefusesABadOne() throws Exception {
    String base =
        """
        {"rpcUrl": "http://x", "deployment": %s, "privateKey": "%s", "dataDir": "d", "da": {"operators": "o", "certs": "c"}, "tee": %s}\
        """;
    NodeConfig c =
        NodeConfig.read(
            write(
                base.formatted(
                    DEPLOYMENT,
                    KEY,
                    "{\"install\": \"tee\", \"kms\": \"http://127.0.0.1:7000\"}")));
    assertThat(c.tee())
        .hasValueSatisfying(t -> {
          assertThat(t.install()).isEqualTo(dir.toAbsolutePath().resolve("tee"));
          assertThat(t.kms().getPort()).isEqualTo(7000);
        });
    assertThatThrownBy(() -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, "\"tee\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'tee' must be an object");
    assertThatThrownBy(
            () -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, "{\"install\": \"tee\"}"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'kms'");
    assertThatThrownBy(() ->
            NodeConfig.read(
                write(
                    base.formatted(
                        DEPLOYMENT, KEY, "{\"install\": \"tee\", \"kms\": \"ftp://h\"}"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("http(s)");
    String roots =
        """
        {"rpcUrl": "http://x", "deployment": %s, "privateKey": "%s", "dataDir": "d", "da": {"operators": "o", "certs": "c"}, "teeSimulationRoots": %s}\
        """;
    assertThat(
            NodeConfig.read(write(roots.formatted(DEPLOYMENT, KEY, "[\"op/sim-root.pem\"]")))
                .teeSimulationRoots())
        .containsExactly(dir.toAbsolutePath().resolve("op/sim-root.pem"));
    assertThatThrownBy(
            () -> NodeConfig.read(write(roots.formatted(DEPLOYMENT, KEY, "\"op/sim-root.pem\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("teeSimulationRoots must be an array");
  }

  @Test
  void refusesMissingAndOutOfRangeFieldsWithTheFieldName() throws Exception {
    String base =
        """
        {"rpcUrl": "http://x", "deployment": %s, "privateKey": "%s", "dataDir": "d", "da": {"operators": "o", "certs": "c"}%s}\
        """;
    assertThatThrownBy(() -> NodeConfig.read(write("{]")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> NodeConfig.read(write("{\"rpcUrl\": \"x\"}")))
        .hasMessageContaining("'deployment'");
    assertThatThrownBy(() ->
            NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"pollIntervalMillis\": 1"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("pollIntervalMillis");
    assertThatThrownBy(
            () -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"stake\": \"-1\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("stake");
    assertThatThrownBy(
            () -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"stake\": \"lots\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("lots");
    assertThatThrownBy(
            () -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"httpPort\": 70000"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("httpPort");
    assertThatThrownBy(() -> NodeConfig.read(write(base.formatted("{\"chainId\": 1}", KEY, ""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("StakeToken");
    assertThatThrownBy(() -> NodeConfig.read(dir.resolve("absent.json")))
        .hasMessageContaining("not found");
    assertThatThrownBy(() ->
            NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"maxConcurrentJobs\": 0"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxConcurrentJobs");
    assertThatThrownBy(
            () -> NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"vote\": \"yes\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("vote");
    assertThatThrownBy(() ->
            NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, ", \"chain\": \"devnet.json\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void readsTheChainAndItsDaFromAChainConfigFile() throws Exception {
    Files.writeString(
        dir.resolve("devnet.json"),
        """
        {"rpcUrl": "http://127.0.0.1:8545", "chainId": 31337, "contracts": {"StakeToken": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
         "StakeRegistry": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "AppRegistry": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
         "JobManager": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", "IntersubjectiveCourt": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
         "BlobRegistry": "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"}}\
        """);
    Files.createDirectories(dir.resolve("op"));
    Path f = dir.resolve("op/config.json");
    Files.writeString(
        f,
        """
        {"chain": "../devnet.json", "privateKey": "%s", "dataDir": "data", "da": {"source": "chain", "thresholdBps": 5000},
         "vote": false, "maxConcurrentJobs": 2}\
        """
            .formatted(KEY));
    NodeConfig c = NodeConfig.read(f);
    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
    assertThat(c.deployment().chainId()).isEqualTo(31337);
    assertThat(c.da()).isInstanceOf(DaSettings.OnChain.class);
    assertThat(c.da().thresholdBps()).isEqualTo(5000);
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("op/data"));
    assertThat(c.vote()).isFalse();
    assertThat(c.maxConcurrentJobs()).isEqualTo(2);
    Files.writeString(
        f,
        """
        {"chain": "../devnet.json", "privateKey": "%s", "dataDir": "data", "da": {"source": "ipfs"}}\
        """
            .formatted(KEY));
    assertThatThrownBy(() -> NodeConfig.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("da.source");
  }

  @Test
  void refusesDuplicateKeysDeepNestingUnknownFieldsAndWrongTypesNamingTheField() throws Exception {
    String base =
        """
        {"rpcUrl": "http://x", "deployment": %s, "privateKey": "%s", "dataDir": "d", "da": {"operators": "o", "certs": "c"}%s}\
        """;
    Path dup = write(base.formatted(DEPLOYMENT, KEY, ", \"dataDir\": \"other\""));
    assertThatThrownBy(() -> NodeConfig.read(dup))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "node config " + dup + " is not JSON: duplicate key 'dataDir' (line 3, column ");
    Path deep =
        write(
            base.formatted(
                DEPLOYMENT, KEY, ", \"teeSimulationRoots\": " + "[".repeat(70) + "]".repeat(70)));
    assertThatThrownBy(() -> NodeConfig.read(deep))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not JSON: nested deeper than 64 levels");
    Path typo = write(base.formatted(DEPLOYMENT, KEY, ", \"pollIntervalMilis\": 300"));
    assertThatThrownBy(() -> NodeConfig.read(typo))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "node config "
                + typo
                + ": unknown field 'pollIntervalMilis' (known fields: chain, checkpointFullEvery,"
                + " checkpointMinIntervalMs, checkpointsInFlight, da, dataDir, deployment,");
    Path inFlight = write(base.formatted(DEPLOYMENT, KEY, ", \"checkpointsInFlight\": 65"));
    assertThatThrownBy(() -> NodeConfig.read(inFlight))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("checkpointsInFlight must be 0..64, got 65");
    Path fullEvery = write(base.formatted(DEPLOYMENT, KEY, ", \"checkpointFullEvery\": 0"));
    assertThatThrownBy(() -> NodeConfig.read(fullEvery))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("checkpointFullEvery must be 1..64, got 0");
    Path sync =
        write(
            base.formatted(
                DEPLOYMENT, KEY, ", \"checkpointsInFlight\": 0, \"checkpointFullEvery\": 1"));
    assertThat(NodeConfig.read(sync).checkpointsInFlight()).isZero();
    assertThat(NodeConfig.read(sync).checkpointFullEvery()).isEqualTo(1);
    Path interval = write(base.formatted(DEPLOYMENT, KEY, ", \"checkpointMinIntervalMs\": 3000"));
    assertThat(NodeConfig.read(interval).checkpoints())
        .isEqualTo(
            new OperatorNode.Checkpoints(
                NodeConfig.DEFAULT_CHECKPOINTS_IN_FLIGHT,
                NodeConfig.DEFAULT_CHECKPOINT_FULL_EVERY,
                3000));
    Path intervalWithoutPipeline =
        write(
            base.formatted(
                DEPLOYMENT,
                KEY,
                ", \"checkpointsInFlight\": 0, \"checkpointMinIntervalMs\": 3000"));
    assertThatThrownBy(() -> NodeConfig.read(intervalWithoutPipeline))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "checkpointMinIntervalMs must be 0..600000 and needs checkpointsInFlight > 0, got 3000"
                + " with checkpointsInFlight 0");
    Path longInterval =
        write(base.formatted(DEPLOYMENT, KEY, ", \"checkpointMinIntervalMs\": 600001"));
    assertThatThrownBy(() -> NodeConfig.read(longInterval))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("checkpointMinIntervalMs must be 0..600000");
    NodeConfig defaults = NodeConfig.read(write(base.formatted(DEPLOYMENT, KEY, "")));
    assertThat(defaults.checkpointsInFlight()).isEqualTo(NodeConfig.DEFAULT_CHECKPOINTS_IN_FLIGHT);
    assertThat(defaults.checkpointFullEvery()).isEqualTo(NodeConfig.DEFAULT_CHECKPOINT_FULL_EVERY);
    assertThat(defaults.checkpointMinIntervalMs()).isZero();
    Path daTypo = write(base.formatted(DEPLOYMENT, KEY, "").replace("\"certs\"", "\"cert\""));
    assertThatThrownBy(() -> NodeConfig.read(daTypo))
        .hasMessageContaining(
            "unknown field 'da.cert' (known fields there: certs, operators, retentionSeconds, source, thresholdBps)");
    Path port = write(base.formatted(DEPLOYMENT, KEY, ", \"httpPort\": \"9100\""));
    assertThatThrownBy(() -> NodeConfig.read(port))
        .hasMessage("node config " + port + ": 'httpPort' must be a whole number");
    Path da =
        write(
            base.formatted(DEPLOYMENT, KEY, "")
                .replace("\"da\": {\"operators\": \"o\", \"certs\": \"c\"}", "\"da\": \"chain\""));
    assertThatThrownBy(() -> NodeConfig.read(da)).hasMessageContaining("needs a 'da' object");
    Path big =
        write(base.formatted(DEPLOYMENT, KEY, ", \"httpHost\": \"" + "h".repeat(1 << 20) + "\""));
    assertThatThrownBy(() -> NodeConfig.read(big))
        .hasMessage("node config " + big + " exceeds 1 MiB");
  }
}
