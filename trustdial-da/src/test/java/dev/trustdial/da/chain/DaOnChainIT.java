package dev.trustdial.da.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.network.FreePorts;
import dev.trustdial.da.node.ChunkStore;
import dev.trustdial.da.node.DaNode;
import dev.trustdial.da.node.DaNodeServer;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.retriever.Retriever;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;

/**
 * On a real anvil (one per class, to keep the suite short): the operator set as StakeRegistry
 * reports it, and the whole path: DA operators registered in StakeRegistry, four DA nodes reading
 * the operator set from the chain, dispersal, the certificate checked and recorded by BlobRegistry,
 * and retrieval by the header read back from the chain.
 */
class DaOnChainIT {
  static Anvil anvil;
  static Settlement owner;
  static Address blobRegistry;
  static final List<DaNodeServer> servers = new ArrayList<>();
  static final List<ChunkStore> stores = new ArrayList<>();
  static ChainOperatorSetSource source;
  static ChainCertificateRegistry registry;
  static final Kzg KZG = JniKzg.load();

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("da-chain-registry-it");
    anvil = Anvil.start(Anvil.Options.defaults(dir.resolve("anvil.log")));
    List<Secp256k1Key> keys = anvil.devKeys();
    owner = Settlement.connect(anvil.rpcUrl(), SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(0),
        SettlementDeployer.Config.devnet(), s -> {}).deployment(), keys.get(0));
    blobRegistry = deployBlobRegistry(keys.get(0), owner.deployment().stakeRegistry());

    source = new ChainOperatorSetSource(owner, anvil.rpcUrl(), 256);
    List<Secp256k1Key> nodeKeys = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      Secp256k1Key nodeKey = Secp256k1Key.generate();
      int port = FreePorts.next();
      nodeKeys.add(nodeKey);
      ports.add(port);
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
      Settlement op = owner.as(keys.get(i));
      op.register(EnumSet.of(Role.DA), nodeKey.address(), "http://127.0.0.1:" + port);
      op.deposit(Tokens.of(1000));
    }
    for (int i = 0; i < 4; i++) {
      ChunkStore store = new ChunkStore(dir.resolve("node" + i));
      stores.add(store);
      servers.add(DaNodeServer.start(new DaNode(nodeKeys.get(i), source, store, KZG, Clock.systemUTC(),
          Duration.ofDays(1)), "127.0.0.1", ports.get(i), Duration.ofMinutes(1)));
    }
    registry = new ChainCertificateRegistry(anvil.rpcUrl(), anvil.chainId(), blobRegistry, keys.get(9));
  }

  static Address deployBlobRegistry(Secp256k1Key deployer, Address stakeRegistry) throws Exception {
    String bytecode = new ObjectMapper().readTree(Path.of("../contracts/out/BlobRegistry.sol/BlobRegistry.json")
        .toFile()).path("bytecode").path("object").asText();
    String args = FunctionEncoder.encodeConstructor(List.of(new org.web3j.abi.datatypes.Address(stakeRegistry.toString()),
        new Uint16(6667), new Uint64(256)));
    Web3j w = Web3j.build(new HttpService(anvil.rpcUrl()));
    try {
      RawTransactionManager tm = new RawTransactionManager(w, deployer.credentials(), anvil.chainId());
      EthSendTransaction sent = tm.sendTransaction(w.ethGasPrice().send().getGasPrice(), BigInteger.valueOf(5_000_000),
          null, bytecode + args.replaceFirst("^0x", ""), BigInteger.ZERO, true);
      assertThat(sent.hasError()).as("deploy: %s", sent.getError() == null ? "" : sent.getError().getMessage()).isFalse();
      TransactionReceipt r = null;
      for (int i = 0; i < 300 && r == null; i++) {
        r = w.ethGetTransactionReceipt(sent.getTransactionHash()).send().getTransactionReceipt().orElse(null);
        if (r == null) {
          Thread.sleep(100);
        }
      }
      assertThat(r).isNotNull();
      assertThat(r.isStatusOK()).isTrue();
      return Address.parse(r.getContractAddress());
    } finally {
      w.shutdown();
    }
  }

  @AfterAll
  static void stop() {
    servers.forEach(DaNodeServer::close);
    stores.forEach(ChunkStore::close);
    if (registry != null) {
      registry.close();
    }
    if (source != null) {
      source.close();
    }
    if (owner != null) {
      owner.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @Test
  void operatorSetHoldsOnlyStakedDaOperators() {
    List<Secp256k1Key> keys = anvil.devKeys();
    // a compute-only operator and a DA operator without stake stay out of the DA set
    owner.mint(keys.get(5).address(), Tokens.of(10_000));
    Settlement compute = owner.as(keys.get(5));
    compute.register(EnumSet.of(Role.COMPUTE), keys.get(5).address(), "http://127.0.0.1:1");
    compute.deposit(Tokens.of(5000));
    owner.as(keys.get(6)).register(EnumSet.of(Role.DA), keys.get(6).address(), "http://127.0.0.1:2");
    // and a DA operator below the DA minimum stake, which StakeRegistry does not count as eligible
    owner.setMinStake(Role.DA, Tokens.of(500));
    owner.mint(keys.get(7).address(), Tokens.of(10_000));
    Settlement small = owner.as(keys.get(7));
    small.register(EnumSet.of(Role.DA), keys.get(7).address(), "http://127.0.0.1:3");
    small.deposit(Tokens.of(100));

    OperatorSet set = source.current();
    assertThat(set.operators()).extracting(Operator::signer).containsExactlyInAnyOrderElementsOf(
        servers.stream().map(s -> s.node().operator()).toList());
    assertThat(set.totalStake()).isEqualTo(Tokens.of(4000));
    assertThat(source.at(set.referenceBlock())).isEqualTo(set);
    assertThatThrownBy(() -> source.at(set.referenceBlock() + 1000)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ahead of the chain head");
  }

  @Test
  void certificateIsCheckedAndRecordedOnchainAndTheBlobReadBack() {
    HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(60));
    CertificateVerifier verifier = new CertificateVerifier(SecurityParams.DEFAULT);
    Disperser disperser = new Disperser(KZG, source, http, verifier, Clock.systemUTC(), Duration.ofHours(1));
    DaClient da = new DaClient(disperser, new Retriever(KZG, source, http), registry);
    byte[] data = new byte[40_000];
    new Random(5).nextBytes(data);

    DaCertificate cert = da.put(data);
    assertThat(registry.isAvailable(cert.blobKey())).isTrue();
    assertThat(registry.header(cert.blobKey())).contains(cert.header());
    assertThat(da.get(cert.blobKey())).isEqualTo(data);

    // replay of the same certificate
    assertThatThrownBy(() -> registry.register(cert)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("AlreadyRegistered");

    // a certificate with only half of the stake: the contract refuses it by name
    byte[] other = new byte[1000];
    new Random(6).nextBytes(other);
    DaCertificate full = disperser.disperse(other);
    DaCertificate half = new DaCertificate(full.header(), full.signatures().subList(0, 2));
    assertThatThrownBy(() -> registry.register(half)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("InsufficientStake");
    assertThat(registry.isAvailable(half.blobKey())).isFalse();
  }
}
