package dev.trustdial.da.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.cert.AttestationDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaNodeConfigTest {
  @TempDir Path dir;
  private final Secp256k1Key key = Secp256k1Key.fromPrivateKeyHex("0x" + "42".repeat(32));

  private Path write(String name, String json) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, json);
    return p;
  }

  @Test
  void readsAFixedOperatorSetRelativeToTheConfig() throws Exception {
    write(
        "ops.json",
        """
        {"referenceBlock": 3, "operators": [{"address": "%s", "stake": "7", "endpoint": "http://127.0.0.1:9"}]}
        """
            .formatted(key.address()));
    DaNodeConfig c =
        DaNodeConfig.read(
            write(
                "node.json",
                """
                {"privateKey": "%s", "port": 7101, "dataDir": "d", "operators": "ops.json"}
                """
                    .formatted(key.privateKeyHex())));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("d"));
    assertThat(c.operators())
        .isInstanceOfSatisfying(
            DaNodeConfig.OperatorOrigin.Fixed.class,
            f -> assertThat(f.set().referenceBlock()).isEqualTo(3));
    assertThat(c.operators().domain()).isEqualTo(AttestationDomain.LOCAL);
    assertThat(c.key().address()).isEqualTo(key.address());
  }

  @Test
  void readsAChainConfigInTheDevnetDescriptorShape() throws Exception {
    write(
        "devnet.json",
        """
        {"rpcUrl": "http://127.0.0.1:8545", "chainId": 31337,
         "contracts": {"StakeRegistry": "0x00000000000000000000000000000000000000aa",
                       "BlobRegistry": "0x00000000000000000000000000000000000000bb"}}
        """);
    DaNodeConfig c =
        DaNodeConfig.read(
            write(
                "node.json",
                """
                {"privateKey": "%s", "dataDir": "d", "chain": "devnet.json"}
                """
                    .formatted(key.privateKeyHex())));
    assertThat(c.operators())
        .isInstanceOfSatisfying(
            DaNodeConfig.OperatorOrigin.Chain.class,
            ch -> assertThat(ch.chain().blobRegistry()).isPresent());
    assertThat(c.operators().domain())
        .isEqualTo(
            new AttestationDomain(
                31337, Address.parse("0x00000000000000000000000000000000000000bb")));
  }

  @Test
  void refusesAChainConfigWithoutTheBlobRegistryItSignsFor() throws Exception {
    write(
        "devnet.json",
        """
        {"rpcUrl": "http://127.0.0.1:8545", "chainId": 31337,
         "contracts": {"StakeRegistry": "0x00000000000000000000000000000000000000aa"}}
        """);
    assertThatThrownBy(() ->
            DaNodeConfig.read(
                write(
                    "node.json",
                    """
                    {"privateKey": "%s", "dataDir": "d", "chain": "devnet.json"}
                    """
                        .formatted(key.privateKeyHex()))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no BlobRegistry");
  }

  @Test
  void refusesMissingOrMalformedFields() throws Exception {
    assertThatThrownBy(() -> DaNodeConfig.read(write("a.json", "{\"dataDir\": \"d\"}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("privateKey");
    assertThatThrownBy(() -> DaNodeConfig.read(write("b.json", "not json")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() ->
            DaNodeConfig.read(
                write(
                    "c.json",
                    """
                    {"privateKey": "%s", "dataDir": "d", "operators": "missing.json"}
                    """
                        .formatted(key.privateKeyHex()))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not found");
    assertThatThrownBy(() -> DaNodeConfig.read(dir.resolve("nope.json")))
        .hasMessageContaining("not found");
  }

  @Test
  void refusesDuplicateKeysDeepNestingAndUnknownFields() throws Exception {
    write(
        "ops.json",
        """
        {"referenceBlock": 3, "operators": [{"address": "%s", "stake": "7", "endpoint": "http://127.0.0.1:9"}]}
        """
            .formatted(key.address()));
    Path dup =
        write(
            "dup.json",
            """
            {"privateKey": "%s", "dataDir": "d", "operators": "ops.json", "port": 1, "port": 2}\
            """
                .formatted(key.privateKeyHex()));
    assertThatThrownBy(() -> DaNodeConfig.read(dup))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not JSON: duplicate key 'port' (line 1");
    Path deep = write("deep.json", "{\"host\": " + "[".repeat(65) + "]".repeat(65) + "}");
    assertThatThrownBy(() -> DaNodeConfig.read(deep))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nested deeper than 64 levels");
    Path typo =
        write(
            "typo.json",
            """
            {"privateKey": "%s", "dataDir": "d", "operators": "ops.json", "sweepIntervalSecond": 5}\
            """
                .formatted(key.privateKeyHex()));
    assertThatThrownBy(() -> DaNodeConfig.read(typo))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown field 'sweepIntervalSecond'")
        .hasMessageContaining("sweepIntervalSeconds");
    Path type =
        write(
            "type.json",
            """
            {"privateKey": "%s", "dataDir": "d", "operators": "ops.json", "port": "7101"}\
            """
                .formatted(key.privateKeyHex()));
    assertThatThrownBy(() -> DaNodeConfig.read(type))
        .hasMessage("DA node config " + type + ": 'port' must be a whole number");
  }

  @Test
  void readsWhatItsFileRecordWrites() throws Exception {
    write(
        "ops.json",
        """
        {"referenceBlock": 3, "operators": [{"address": "%s", "stake": "7", "endpoint": "http://127.0.0.1:9"}]}
        """
            .formatted(key.address()));
    Path f = dir.resolve("node0.json");
    Files.writeString(
        f,
        dev.trustdial.core.json.Json.writePretty(
            DaNodeConfigFile.fixedSet(
                key.privateKeyHex(), "127.0.0.2", 7101, "node0-data", "ops.json", 30, 86_400)));
    DaNodeConfig c = DaNodeConfig.read(f);
    assertThat(c.key().address()).isEqualTo(key.address());
    assertThat(c.host()).isEqualTo("127.0.0.2");
    assertThat(c.port()).isEqualTo(7101);
    assertThat(c.dataDir()).isEqualTo(dir.resolve("node0-data"));
    assertThat(c.sweepInterval()).hasSeconds(30);
    assertThat(c.maxRetention()).hasDays(1);
    assertThat(c.uploads()).isEqualTo(UploadLimits.DEFAULT);
    assertThat(c.pending()).isEqualTo(PendingLimits.DEFAULT);
    assertThat(Files.readString(f)).doesNotContain("null").doesNotContain("chain");
  }
}
