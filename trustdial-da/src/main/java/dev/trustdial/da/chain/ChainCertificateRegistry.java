package dev.trustdial.da.chain;

import dev.trustdial.chain.da.BlobRegistryClient;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.OperatorSignature;
import dev.trustdial.da.cert.RecordedCertificate;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@link CertificateRegistry} over the BlobRegistry contract (contracts/src/BlobRegistry.sol):
 * {@code register(header, signatures)} runs the certificate check onchain; the full header is read
 * back from the {@code BlobCertified} event. The contract counts only attestations signed for
 * {@link #domain()}: this chain id and its own address (docs/spec/da.md §6). The chain access is
 * trustdial-chain's {@link BlobRegistryClient} (its transaction manager, revert decoding and
 * receipt polling); this class adds the DA types. {@link #close} releases its RPC connection.
 */
public final class ChainCertificateRegistry implements CertificateRegistry, AutoCloseable {
  /**
   * 4-byte selector, two offsets, two lengths, a header of at most BlobHeader.MAX_BYTES and 1024
   * attestations, padded.
   */
  private static final int MAX_REGISTER_INPUT_BYTES =
      4 + 4 * 32 + BlobHeader.MAX_BYTES + 32 + OperatorSet.MAX_OPERATORS * 65 + 64;

  private final BlobRegistryClient client;
  private final AttestationDomain domain;
  private final Address registry;

  public ChainCertificateRegistry(String rpcUrl, long chainId, Address registry, Secp256k1Key key) {
    this.client = new BlobRegistryClient(rpcUrl, chainId, registry, key);
    this.domain = new AttestationDomain(chainId, registry);
    this.registry = registry;
  }

  /** The domain this registry counts attestations in: its chain id and its own address. */
  public AttestationDomain domain() {
    return domain;
  }

  @Override
  public void register(DaCertificate certificate) {
    ByteArrayOutputStream sigs = new ByteArrayOutputStream();
    // Operator indices follow ascending signer address, the order the contract requires.
    for (OperatorSignature s : certificate.signatures()) {
      sigs.writeBytes(s.signature().bytes());
    }
    try {
      client.register(certificate.header().encode(), sigs.toByteArray());
    } catch (ContractRevertException e) {
      throw new InvalidInputException(
          "BlobRegistry refused the certificate of "
              + certificate.blobKey()
              + ": "
              + e.errorName()
              + "("
              + String.join(", ", e.arguments())
              + ")",
          e);
    }
  }

  @Override
  public Optional<BlobHeader> header(Bytes32 blobKey) {
    return certifiedLog(blobKey).map(CertifiedLog::header);
  }

  /**
   * The certificate's attestations, read from the calldata of the transaction that emitted its
   * {@code BlobCertified} event (the contract keeps only the header). A registration made through
   * another contract has no such calldata: the certificate is then reported without signatures.
   */
  @Override
  public Optional<RecordedCertificate> certificate(Bytes32 blobKey) {
    Optional<CertifiedLog> found = certifiedLog(blobKey);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CertifiedLog c = found.get();
    String where =
        "BlobRegistry "
            + registry
            + ", transaction "
            + c.transactionHash()
            + " in block "
            + c.block();
    Optional<BlobRegistryClient.RegisterCall> call =
        client.registerCall(c.transactionHash(), MAX_REGISTER_INPUT_BYTES);
    if (call.isEmpty()) {
      return Optional.of(
          new RecordedCertificate(
              c.header(),
              List.of(),
              where + " (not a direct register call: its attestations are not in its calldata)"));
    }
    byte[] sigs = call.get().signatures();
    if (sigs.length % 65 != 0 || sigs.length / 65 > OperatorSet.MAX_OPERATORS) {
      throw new IllegalStateException(
          "register calldata of "
              + c.transactionHash()
              + " carries "
              + sigs.length
              + " signature bytes, not a whole number of at most "
              + OperatorSet.MAX_OPERATORS
              + " 65-byte attestations");
    }
    List<Signature> out = new ArrayList<>();
    for (int i = 0; i < sigs.length; i += 65) {
      out.add(new Signature(Arrays.copyOfRange(sigs, i, i + 65)));
    }
    return Optional.of(new RecordedCertificate(c.header(), out, where));
  }

  /**
   * The {@code BlobCertified} event of a key: the header it carries and the transaction that
   * emitted it.
   */
  private record CertifiedLog(BlobHeader header, String transactionHash, long block) {}

  private Optional<CertifiedLog> certifiedLog(Bytes32 blobKey) {
    for (BlobRegistryClient.Certified c : client.certified(blobKey)) {
      BlobHeader h = BlobHeader.decode(c.header());
      if (h.blobKey().equals(blobKey)) {
        return Optional.of(new CertifiedLog(h, c.transactionHash(), c.block()));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    return client.isAvailable(blobKey);
  }

  @Override
  public void close() {
    client.close();
  }
}
