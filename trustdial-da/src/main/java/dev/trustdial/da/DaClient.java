package dev.trustdial.da;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.LocalCertificateRegistry;
import dev.trustdial.da.cert.RecordedCertificate;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.chain.ChainCertificateRegistry;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.da.chain.ChainOperatorSetSource;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.retriever.Retriever;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link DataAvailability} over a disperser, a retriever and a certificate registry; {@link
 * BlobInspector} over the same. {@link #close} releases what {@link #onChain} and {@link #local}
 * opened: the HTTP client to the DA nodes, and on a chain its two RPC connections (the operator
 * set's and the certificate registry's).
 */
public final class DaClient implements DataAvailability, BlobInspector, AutoCloseable {
  private final Disperser disperser;
  private final Retriever retriever;
  private final CertificateRegistry registry;
  private final List<AutoCloseable> owned;

  public DaClient(Disperser disperser, Retriever retriever, CertificateRegistry registry) {
    this(disperser, retriever, registry, List.of());
  }

  private DaClient(
      Disperser disperser,
      Retriever retriever,
      CertificateRegistry registry,
      List<AutoCloseable> owned) {
    this.disperser = disperser;
    this.retriever = retriever;
    this.registry = registry;
    this.owned = owned;
  }

  /**
   * A client of the DA network registered onchain: operators from StakeRegistry (DA role) at each
   * reference block, attestations for the chain's BlobRegistry, certificates checked and recorded
   * by BlobRegistry; {@code payer} pays for the registration.
   */
  public static DaClient onChain(
      ChainConfig chain, Secp256k1Key payer, int thresholdBps, Duration retention) {
    AttestationDomain domain = chain.attestationDomain();
    ChainOperatorSetSource source =
        ChainOperatorSetSource.of(chain, DaNodeMain.MAX_REFERENCE_AGE_BLOCKS);
    ChainCertificateRegistry registry;
    try {
      registry =
          new ChainCertificateRegistry(chain.rpcUrl(), chain.chainId(), domain.verifier(), payer);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    try {
      return over(
          source,
          registry,
          new CertificateVerifier(new SecurityParams(thresholdBps), domain),
          retention,
          List.of(registry, source));
    } catch (RuntimeException e) {
      registry.close();
      source.close();
      throw e;
    }
  }

  /**
   * A client of a chain-less local network: an operator set file and a directory of certificates;
   * attestations in the local domain.
   */
  public static DaClient local(Path operators, Path certs, int thresholdBps, Duration retention) {
    StaticOperatorSetSource source = new StaticOperatorSetSource(OperatorSetFile.read(operators));
    CertificateVerifier verifier =
        new CertificateVerifier(new SecurityParams(thresholdBps), AttestationDomain.LOCAL);
    return over(
        source,
        new LocalCertificateRegistry(verifier, source, Clock.systemUTC(), Optional.of(certs)),
        verifier,
        retention,
        List.of());
  }

  private static DaClient over(
      OperatorSetSource source,
      CertificateRegistry registry,
      CertificateVerifier verifier,
      Duration retention,
      List<AutoCloseable> owned) {
    // Encoding computes cell proofs: the precomputed tables pay off after one sub-blob.
    Kzg kzg = JniKzg.load(8);
    HttpDaNodeClient transport = new HttpDaNodeClient(Duration.ofMinutes(2));
    Disperser disperser =
        new Disperser(kzg, source, transport, verifier, Clock.systemUTC(), retention);
    // The DA nodes' HTTP client first: nothing uses the chain connections once it has ended.
    List<AutoCloseable> all = new ArrayList<>();
    all.add(transport);
    all.addAll(owned);
    return new DaClient(disperser, new Retriever(kzg, source, transport), registry, all);
  }

  @Override
  public DaCertificate put(byte[] data) {
    DaCertificate cert = disperser.disperse(data);
    registry.register(cert);
    return cert;
  }

  @Override
  public byte[] get(Bytes32 blobKey) {
    // The registry is authoritative; the nodes' copy of the header is authenticated by its hash.
    BlobHeader header =
        registry
            .header(blobKey)
            .or(() -> retriever.findHeader(blobKey))
            .orElseThrow(() ->
                new UnknownBlobException("no certificate and no DA node knows blob " + blobKey));
    return retriever.retrieve(header);
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    return registry.isAvailable(blobKey);
  }

  @Override
  public BlobInspection inspect(Bytes32 blobKey) {
    Optional<RecordedCertificate> cert = registry.certificate(blobKey);
    BlobHeader header =
        cert.map(RecordedCertificate::header)
            .or(() -> retriever.findHeader(blobKey))
            .orElseThrow(() ->
                new UnknownBlobException("no certificate and no DA node knows blob " + blobKey));
    OperatorSet set = retriever.operatorsAt(header.referenceBlock());
    BigInteger total = set.totalWeight();
    CertificateVerifier verifier = disperser.verifier();
    Set<Integer> signedBy = new HashSet<>();
    Optional<BlobInspection.CertificateReport> report =
        cert.map(c -> {
          List<BlobInspection.Signer> signers = new ArrayList<>();
          BigInteger signed = BigInteger.ZERO;
          int chunks = 0;
          for (Signature sig : c.signatures()) {
            Address signer;
            try {
              signer = Attestation.signer(verifier.domain(), blobKey, sig);
            } catch (InvalidInputException e) {
              // Unreachable for a registered certificate (its registry recovered every signature);
              // nothing to count.
              continue;
            }
            Optional<Integer> index = set.indexOf(signer);
            BigInteger stake = index.map(i -> set.get(i).stake()).orElse(BigInteger.ZERO);
            index.ifPresent(signedBy::add);
            signed = signed.add(stake);
            chunks += stake.multiply(BigInteger.valueOf(Kzg.CELLS)).divide(total).intValueExact();
            signers.add(new BlobInspection.Signer(signer, index, stake, bps(stake, total)));
          }
          int threshold = verifier.thresholdBps();
          boolean quorum =
              signed
                      .multiply(BigInteger.valueOf(10_000))
                      .compareTo(total.multiply(BigInteger.valueOf(threshold)))
                  >= 0;
          return new BlobInspection.CertificateReport(
              c.source(), signers, signed, total, threshold, quorum, chunks);
        });
    ChunkAssignment assignment = ChunkAssignment.of(set, blobKey);
    List<BlobInspection.NodeAssignment> nodes = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      Operator op = set.get(i);
      nodes.add(
          new BlobInspection.NodeAssignment(
              i,
              op.signer(),
              op.endpoint(),
              op.stake(),
              bps(op.stake(), total),
              signedBy.contains(i),
              assignment.chunksOf(i)));
    }
    return new BlobInspection(
        blobKey,
        header.size(),
        header.referenceBlock(),
        header.expiry(),
        header.subBlobCount(),
        report,
        nodes);
  }

  @Override
  public RetrievalTest testRetrieval(Bytes32 blobKey) {
    BlobHeader header =
        registry
            .header(blobKey)
            .or(() -> retriever.findHeader(blobKey))
            .orElseThrow(() ->
                new UnknownBlobException("no certificate and no DA node knows blob " + blobKey));
    return retriever.testEachNode(header);
  }

  private static int bps(BigInteger part, BigInteger total) {
    return part.multiply(BigInteger.valueOf(10_000)).divide(total).intValueExact();
  }

  /**
   * Closes the HTTP client and chain connections this client opened; a client given its parts
   * closes none.
   */
  @Override
  public void close() {
    RuntimeException failed = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (failed == null) {
          failed = new IllegalStateException("closing the DA client's connections failed", e);
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
