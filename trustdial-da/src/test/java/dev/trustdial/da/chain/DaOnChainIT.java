package dev.trustdial.da.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateCheck;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.network.FreePorts;
import dev.trustdial.da.node.ChunkStore;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNode;
import dev.trustdial.da.node.DaNodeConfig;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.node.DaNodeServer;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.node.Uploader;
import dev.trustdial.da.retriever.Retriever;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * On a real anvil (one per class, to keep the suite short; a block every second plus one per
 * transaction, as on the devnet): the operator set as StakeRegistry's checkpoints give it at a
 * reference block, and the whole path: DA operators registered in StakeRegistry, four DA nodes
 * reading the operator set from the chain and signing for this chain's BlobRegistry, dispersal, the
 * certificate checked and recorded by BlobRegistry, and retrieval by the header read back from the
 * chain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaOnChainIT {
  static Anvil anvil;
  static Settlement owner;
  static Address blobRegistry;
  static AttestationDomain domain;
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
    owner =
        Settlement.connect(
            anvil.rpcUrl(),
            SettlementDeployer.deploy(
                    anvil.rpcUrl(), keys.get(0), SettlementDeployer.Config.devnet(), s -> {})
                .deployment(),
            keys.get(0));
    blobRegistry = deployBlobRegistry(keys.get(0));
    domain = new AttestationDomain(anvil.chainId(), blobRegistry);

    source = ChainOperatorSetSource.of(chainConfig(anvil.chainId()), 256);
    List<Secp256k1Key> nodeKeys = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      Secp256k1Key nodeKey = Secp256k1Key.generate();
      int port = FreePorts.next();
      nodeKeys.add(nodeKey);
      ports.add(port);
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
      owner
          .as(keys.get(i))
          .register(
              EnumSet.of(Role.DA), nodeKey.address(), "http://127.0.0.1:" + port, Tokens.of(1000));
    }
    // The set is read one block behind the head: make the block of the last registration a past
    // one.
    owner.mineBlocks(1);
    for (int i = 0; i < 4; i++) {
      ChunkStore store = new ChunkStore(dir.resolve("node" + i));
      stores.add(store);
      servers.add(
          DaNodeServer.start(
              new DaNode(
                  nodeKeys.get(i),
                  domain,
                  source,
                  store,
                  KZG,
                  Clock.systemUTC(),
                  Duration.ofDays(1)),
              "127.0.0.1",
              ports.get(i),
              Duration.ofMinutes(1)));
    }
    registry =
        new ChainCertificateRegistry(anvil.rpcUrl(), anvil.chainId(), blobRegistry, keys.get(9));
  }

  static ChainConfig chainConfig(long chainId) {
    return new ChainConfig(
        anvil.rpcUrl(),
        chainId,
        Map.of("StakeRegistry", owner.deployment().stakeRegistry(), "BlobRegistry", blobRegistry));
  }

  static Address deployBlobRegistry(Secp256k1Key deployer) {
    return SettlementDeployer.deployBlobRegistry(
            anvil.rpcUrl(), deployer, owner.deployment(), 6667, 256)
        .address();
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

  private static List<Address> nodeSigners() {
    return servers.stream().map(s -> s.node().operator()).toList();
  }

  @Test
  @Order(1)
  void operatorSetIsTheRegistrysSnapshotAtTheReferenceBlock() {
    OperatorSet before = source.current();
    assertThat(before.referenceBlock()).isLessThan(owner.blockNumber());
    assertThat(before.operators())
        .extracting(Operator::signer)
        .containsExactlyInAnyOrderElementsOf(nodeSigners());

    List<Secp256k1Key> keys = anvil.devKeys();
    // a compute-only operator stays out of the DA set and out of its total weight
    owner.mint(keys.get(5).address(), Tokens.of(10_000));
    owner
        .as(keys.get(5))
        .register(
            EnumSet.of(Role.COMPUTE), keys.get(5).address(), "http://127.0.0.1:1", Tokens.of(5000));
    // a DA operator below the DA minimum: not eligible, so not in the set, but its weight is in
    // BlobRegistry's total
    owner.setMinStake(Role.DA, Tokens.of(500));
    owner.mint(keys.get(7).address(), Tokens.of(10_000));
    owner
        .as(keys.get(7))
        .register(EnumSet.of(Role.DA), keys.get(7).address(), "http://127.0.0.1:3", Tokens.of(100));
    // an eligible DA operator without a usable endpoint holds no chunks; its weight counts too
    owner.mint(keys.get(6).address(), Tokens.of(10_000));
    owner
        .as(keys.get(6))
        .register(EnumSet.of(Role.DA), keys.get(6).address(), "not a url", Tokens.of(600));
    owner.mineBlocks(1);

    OperatorSet after = source.current();
    assertThat(after.operators())
        .extracting(Operator::signer)
        .containsExactlyInAnyOrderElementsOf(nodeSigners());
    assertThat(after.totalStake()).isEqualTo(Tokens.of(4000));
    assertThat(after.totalWeight())
        .isEqualTo(Tokens.of(4700))
        .isEqualTo(owner.totalWeightAt(Role.DA, after.referenceBlock()));
    for (Operator op : after.operators()) {
      assertThat(op.stake()).isEqualTo(Tokens.of(1000));
    }

    // an older reference block is read in that block's state, not today's (a fresh source: no
    // cache)
    try (ChainOperatorSetSource fresh =
        ChainOperatorSetSource.of(chainConfig(anvil.chainId()), 256)) {
      OperatorSet then = fresh.at(before.referenceBlock());
      assertThat(then).isEqualTo(before);
      assertThat(then.totalWeight())
          .isEqualTo(owner.totalWeightAt(Role.DA, before.referenceBlock()))
          .isLessThan(after.totalWeight());
      // without that block's state (a pruning node), events and checkpoints give the same sets:
      // before the
      // minimum was raised and the outsiders came, and after (below-minimum and endpoint-less
      // operators left out)
      assertThat(fresh.reconstruct(before.referenceBlock())).isEqualTo(before);
      assertThat(fresh.reconstruct(after.referenceBlock())).isEqualTo(after);
    }
    assertThatThrownBy(() -> source.at(after.referenceBlock() + 1000))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ahead of the chain head");
  }

  @Test
  @Order(2)
  void aChainConfigForAnotherChainIsRefused() {
    assertThatThrownBy(() -> ChainOperatorSetSource.of(chainConfig(1), 256))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serves chain " + anvil.chainId());
  }

  /**
   * Runs after the operators outside the set were added: signers are measured against all DA
   * weight, as onchain.
   */
  @Test
  @Order(3)
  void certificateIsCheckedAndRecordedOnchainAndTheBlobReadBack() {
    HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(60));
    CertificateVerifier verifier =
        new CertificateVerifier(SecurityParams.DEFAULT, registry.domain());
    Disperser disperser =
        new Disperser(KZG, source, http, verifier, Clock.systemUTC(), Duration.ofHours(1));
    DaClient da = new DaClient(disperser, new Retriever(KZG, source, http), registry);
    byte[] data = new byte[40_000];
    new Random(5).nextBytes(data);

    DaCertificate cert = da.put(data);
    long ref = cert.header().referenceBlock();
    CertificateCheck check =
        verifier.check(cert, source.at(ref), System.currentTimeMillis() / 1000);
    assertThat(check)
        .isInstanceOfSatisfying(
            CertificateCheck.Valid.class,
            v -> assertThat(v.totalStake()).isEqualTo(owner.totalWeightAt(Role.DA, ref)));
    assertThat(registry.isAvailable(cert.blobKey())).isTrue();
    assertThat(registry.header(cert.blobKey())).contains(cert.header());
    assertThat(da.get(cert.blobKey())).isEqualTo(data);
    // the digest the nodes signed is the one the contract computes
    assertThat(onchainDigest(blobRegistry, cert.blobKey()))
        .isEqualTo(Attestation.digest(domain, cert.blobKey()));

    // replay of the same certificate
    assertThatThrownBy(() -> registry.register(cert))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("AlreadyRegistered");

    // a certificate with only half of the stake: the contract refuses it by name
    byte[] other = new byte[1000];
    new Random(6).nextBytes(other);
    DaCertificate full = disperser.disperse(other);
    DaCertificate half = new DaCertificate(full.header(), full.signatures().subList(0, 2));
    assertThatThrownBy(() -> registry.register(half))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("InsufficientStake");
    assertThat(registry.isAvailable(half.blobKey())).isFalse();
  }

  @Test
  @Order(4)
  void attestationsForOneBlobRegistryCountAtNoOther() {
    Address otherAddress = deployBlobRegistry(anvil.devKeys().get(0));
    HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(60));
    Disperser disperser =
        new Disperser(
            KZG,
            source,
            http,
            new CertificateVerifier(SecurityParams.DEFAULT, domain),
            Clock.systemUTC(),
            Duration.ofHours(1));
    byte[] data = new byte[3000];
    new Random(7).nextBytes(data);
    DaCertificate cert = disperser.disperse(data);
    OperatorSet set = source.at(cert.header().referenceBlock());
    long now = System.currentTimeMillis() / 1000;

    try (ChainCertificateRegistry other =
        new ChainCertificateRegistry(
            anvil.rpcUrl(), anvil.chainId(), otherAddress, anvil.devKeys().get(9))) {
      // same chain, same stake, another registry: neither the contract nor the Java verifier counts
      // the signatures
      assertThatThrownBy(() -> other.register(cert))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("BlobRegistry refused");
      assertThat(other.isAvailable(cert.blobKey())).isFalse();
      assertThat(
              new CertificateVerifier(SecurityParams.DEFAULT, other.domain())
                  .check(cert, set, now)
                  .isValid())
          .isFalse();
    }
    // nor would a verifier of another chain id or of the local mode
    assertThat(
            new CertificateVerifier(SecurityParams.DEFAULT, new AttestationDomain(1, blobRegistry))
                .check(cert, set, now)
                .isValid())
        .isFalse();
    assertThat(
            new CertificateVerifier(SecurityParams.DEFAULT, AttestationDomain.LOCAL)
                .check(cert, set, now)
                .isValid())
        .isFalse();
    // where they were signed for, they count
    assertThat(
            new CertificateVerifier(SecurityParams.DEFAULT, domain).check(cert, set, now).isValid())
        .isTrue();
    registry.register(cert);
    assertThat(registry.isAvailable(cert.blobKey())).isTrue();
  }

  @Test
  @Order(5)
  void aNodeStartedFromAChainConfigSignsForThatChainsBlobRegistry() throws Exception {
    Path dir = Files.createTempDirectory("da-node-chain-config");
    String contracts =
        """
        {"StakeRegistry": "%s", "BlobRegistry": "%s"}\
        """
            .formatted(owner.deployment().stakeRegistry(), blobRegistry);
    Files.writeString(
        dir.resolve("chain.json"),
        """
        {"rpcUrl": "%s", "chainId": %d, "contracts": %s}\
        """
            .formatted(anvil.rpcUrl(), anvil.chainId(), contracts));
    Files.writeString(
        dir.resolve("wrong-chain.json"),
        """
        {"rpcUrl": "%s", "chainId": 1, "contracts": %s}\
        """
            .formatted(anvil.rpcUrl(), contracts));
    String node =
        """
        {"privateKey": "%s", "port": 0, "dataDir": "data", "chain": "%s"}\
        """;
    String key = Secp256k1Key.generate().privateKeyHex();
    Files.writeString(dir.resolve("node.json"), node.formatted(key, "chain.json"));
    Files.writeString(dir.resolve("wrong-node.json"), node.formatted(key, "wrong-chain.json"));

    assertThatThrownBy(() -> DaNodeMain.start(DaNodeConfig.read(dir.resolve("wrong-node.json"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serves chain " + anvil.chainId());
    DaNodeServer server = DaNodeMain.start(DaNodeConfig.read(dir.resolve("node.json")));
    try {
      assertThat(server.node())
          .isInstanceOfSatisfying(DaNode.class, n -> assertThat(n.domain()).isEqualTo(domain));
    } finally {
      server.close();
    }
  }

  /**
   * Issue #14 item 1: the signing window (256 blocks) is no read window. A blob whose reference
   * block is 300+ blocks behind the head is read back, by the production client and by a restarted
   * reader with an empty cache, and its certificate verifies against the set of its own reference
   * block; a node still refuses to sign a new upload against that old block.
   */
  @Test
  @Order(6)
  void aBlobOlderThanTheSigningWindowIsStillReadAndItsCertificateVerified() {
    ChainConfig chain = chainConfig(anvil.chainId());
    byte[] data = new byte[50_000];
    new Random(8).nextBytes(data);
    DaCertificate cert =
        DaClient.onChain(chain, anvil.devKeys().get(8), 6667, Duration.ofHours(1)).put(data);
    long ref = cert.header().referenceBlock();
    owner.mineBlocks(300);
    assertThat(owner.blockNumber() - ref).isGreaterThan(DaNodeMain.MAX_REFERENCE_AGE_BLOCKS + 40);

    // `da get` through the production client (a fresh process: nothing cached)
    DaClient restarted = DaClient.onChain(chain, anvil.devKeys().get(8), 6667, Duration.ofHours(1));
    assertThat(restarted.isAvailable(cert.blobKey())).isTrue();
    assertThat(restarted.get(cert.blobKey())).isEqualTo(data);
    // a restarted reader: a fresh source reads the old set, the certificate verifies against it
    try (ChainOperatorSetSource fresh =
        ChainOperatorSetSource.of(chain, DaNodeMain.MAX_REFERENCE_AGE_BLOCKS)) {
      OperatorSet then = fresh.at(ref);
      assertThat(then.referenceBlock()).isEqualTo(ref);
      assertThat(fresh.reconstruct(ref)).isEqualTo(then);
      assertThat(then.totalWeight()).isEqualTo(owner.totalWeightAt(Role.DA, ref));
      long now = System.currentTimeMillis() / 1000;
      assertThat(
              new CertificateVerifier(SecurityParams.DEFAULT, domain)
                  .check(cert, then, now)
                  .isValid())
          .isTrue();
      // the domain check still holds for old blocks: attestations for this registry count nowhere
      // else
      assertThat(
              new CertificateVerifier(
                      SecurityParams.DEFAULT, new AttestationDomain(1, blobRegistry))
                  .check(cert, then, now)
                  .isValid())
          .isFalse();
      HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(60));
      assertThat(new Retriever(KZG, fresh, http).retrieve(cert.header())).isEqualTo(data);
      // signing is still fresh-only, on a cached block as on an uncached one
      assertThatThrownBy(() -> fresh.forSigning(ref))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("too old to sign");
      assertThat(fresh.forSigning(owner.blockNumber() - 1).referenceBlock())
          .isEqualTo(owner.blockNumber() - 1);
    }
    // a node refuses to sign a new upload against the old reference block (the shared source has it
    // cached)
    DaNode node = (DaNode) servers.getFirst().node();
    BlobHeader stale =
        new BlobHeader(
            data.length,
            ref,
            System.currentTimeMillis() / 1000 + 3600,
            cert.header().commitments());
    assertThatThrownBy(
            () -> node.store(new ChunkUpload(stale, List.of()), new Uploader("127.0.0.1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too old to sign");
  }

  @Test
  @Order(7)
  void fiftyConcurrentPutsThroughOneKeyAllCertify() throws Exception {
    // Issue #14 item 4: one registry (one key) under 50 concurrent puts, as a DA proxy serves them;
    // before the shared nonce ledger several answered "nonce too low".
    HttpDaNodeClient http = new HttpDaNodeClient(Duration.ofSeconds(120));
    CertificateVerifier verifier =
        new CertificateVerifier(SecurityParams.DEFAULT, registry.domain());
    DaClient da =
        new DaClient(
            new Disperser(KZG, source, http, verifier, Clock.systemUTC(), Duration.ofHours(1)),
            new Retriever(KZG, source, http),
            registry);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(50);
    try {
      List<java.util.concurrent.Future<DaCertificate>> puts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        byte[] data = new byte[200];
        new Random(1000 + i).nextBytes(data);
        puts.add(pool.submit(() -> da.put(data)));
      }
      java.util.Set<Bytes32> keys = new java.util.HashSet<>();
      for (java.util.concurrent.Future<DaCertificate> f : puts) {
        DaCertificate cert = f.get(10, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(registry.isAvailable(cert.blobKey())).isTrue();
        keys.add(cert.blobKey());
      }
      assertThat(keys).hasSize(50);
    } finally {
      pool.shutdownNow();
    }
  }

  /** BlobRegistry.attestationDigest(blobKey), read with a plain eth_call. */
  private static Bytes32 onchainDigest(Address contract, Bytes32 blobKey) {
    Web3j w = Web3j.build(new HttpService(anvil.rpcUrl()));
    try {
      String data =
          FunctionEncoder.encode(
              new Function(
                  "attestationDigest",
                  List.of(new org.web3j.abi.datatypes.generated.Bytes32(blobKey.bytes())),
                  List.of()));
      String out =
          w.ethCall(
                  Transaction.createEthCallTransaction(null, contract.toString(), data),
                  DefaultBlockParameterName.LATEST)
              .send()
              .getValue();
      return new Bytes32(Hex.decode(out));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } finally {
      w.shutdown();
    }
  }
}
