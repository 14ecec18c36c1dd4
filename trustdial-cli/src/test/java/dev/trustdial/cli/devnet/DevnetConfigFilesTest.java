package dev.trustdial.cli.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.node.DaNodeConfig;
import dev.trustdial.da.node.PendingLimits;
import dev.trustdial.da.node.UploadLimits;
import dev.trustdial.node.config.DaSettings;
import dev.trustdial.node.config.NodeConfig;
import dev.trustdial.node.config.NodeConfigFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the devnet writes for its DA nodes, operators and watchtower is what they read, in the
 * documented format.
 */
class DevnetConfigFilesTest {
  @TempDir Path dir;
  private final Secp256k1Key key = Secp256k1Key.fromPrivateKeyHex("0x" + "42".repeat(32));

  @BeforeEach
  void descriptor() throws Exception {
    new DevnetDescriptor(
            "http://127.0.0.1:8545",
            31337,
            Map.of(
                "StakeToken", "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                "StakeRegistry", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
                "AppRegistry", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
                "JobManager", "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
                "IntersubjectiveCourt", "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
                "BlobRegistry", "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"),
            List.of(),
            List.of(),
            "2026-01-01T00:00:00Z")
        .write(dir);
  }

  private Path write(String member, Object config) throws Exception {
    Path f = dir.resolve(member).resolve("config.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, Json.writePretty(config));
    return f;
  }

  @Test
  void anOperatorReadsWhatTheDevnetWritesForIt() throws Exception {
    Path f =
        write(
            "operator-1",
            Devnet.nodeConfig(
                key, true, new NodeConfigFile.Tee("tee", "http://127.0.0.1:7000"), null));
    NodeConfig c = NodeConfig.read(f);
    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
    assertThat(c.deployment().chainId()).isEqualTo(31337);
    assertThat(c.key().address()).isEqualTo(key.address());
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("operator-1/data"));
    assertThat(c.da()).isInstanceOf(DaSettings.OnChain.class);
    assertThat(c.da().thresholdBps()).isEqualTo(Devnet.DA_THRESHOLD_BPS);
    assertThat(c.da().retention()).hasDays(7);
    assertThat(c.pollInterval()).hasMillis(250);
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isZero();
    assertThat(c.stakeWei())
        .isEqualTo(BigInteger.valueOf(Devnet.OPERATOR_STAKE).multiply(BigInteger.TEN.pow(18)));
    assertThat(c.vote()).isTrue();
    assertThat(c.tee())
        .hasValueSatisfying(t -> {
          assertThat(t.install()).isEqualTo(dir.toAbsolutePath().resolve("operator-1/tee"));
          assertThat(t.kms().getPort()).isEqualTo(7000);
        });
    assertThat(c.teeSimulationRoots()).isEmpty();
    // The file keeps the documented format (trustdial-node/README.md): the fields the devnet wrote
    // before, no nulls.
    assertThat(Json.mapper().readTree(Files.readString(f)))
        .isEqualTo(
            Json.mapper()
                .readTree(
                    """
                    {"chain": "../devnet.json", "privateKey": "%s", "dataDir": "data",
                     "da": {"source": "chain", "thresholdBps": 6667, "retentionSeconds": 604800},
                     "pollIntervalMillis": 250, "httpHost": "127.0.0.1", "httpPort": 0, "stake": "1000",
                     "tee": {"install": "tee", "kms": "http://127.0.0.1:7000"}}\
                    """
                        .formatted(key.privateKeyHex())));
  }

  @Test
  void aWatchtowerReadsItsSimulationRoots() throws Exception {
    Path f =
        write(
            "watchtower-1",
            Devnet.nodeConfig(key, false, null, List.of("../operator-1/tee/sim-root.pem")));
    NodeConfig c = NodeConfig.read(f);
    assertThat(c.stakeWei())
        .isEqualTo(BigInteger.valueOf(Devnet.OPERATOR_STAKE / 2).multiply(BigInteger.TEN.pow(18)));
    assertThat(c.tee()).isEmpty();
    assertThat(c.teeSimulationRoots())
        .extracting(Path::normalize)
        .containsExactly(dir.toAbsolutePath().resolve("operator-1/tee/sim-root.pem"));
    assertThat(Files.readString(f, StandardCharsets.UTF_8))
        .doesNotContain("null")
        .doesNotContain("\"tee\"");
  }

  @Test
  void aDaNodeReadsWhatTheDevnetWritesForIt() throws Exception {
    Path f = write("da-1", Devnet.daNodeConfig(key));
    DaNodeConfig c = DaNodeConfig.read(f);
    assertThat(c.key().address()).isEqualTo(key.address());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isZero();
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("da-1/data"));
    assertThat(c.operators())
        .isInstanceOfSatisfying(
            DaNodeConfig.OperatorOrigin.Chain.class,
            ch -> assertThat(ch.chain().chainId()).isEqualTo(31337));
    assertThat(c.sweepInterval()).hasSeconds(60);
    assertThat(c.maxRetention()).hasDays(30);
    assertThat(c.uploads()).isEqualTo(UploadLimits.DEFAULT);
    assertThat(c.pending()).isEqualTo(PendingLimits.DEFAULT);
    assertThat(Json.mapper().readTree(Files.readString(f)))
        .isEqualTo(
            Json.mapper()
                .readTree(
                    """
                    {"privateKey": "%s", "host": "127.0.0.1", "port": 0, "dataDir": "data",
                     "chain": "../devnet.json", "sweepIntervalSeconds": 60, "maxRetentionSeconds": 2592000}\
                    """
                        .formatted(key.privateKeyHex())));
  }
}
