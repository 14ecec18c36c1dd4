package dev.trustdial.da;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.retriever.Retriever;

/** {@link DataAvailability} over a disperser, a retriever and a certificate registry. */
public final class DaClient implements DataAvailability {
  private final Disperser disperser;
  private final Retriever retriever;
  private final CertificateRegistry registry;

  public DaClient(Disperser disperser, Retriever retriever, CertificateRegistry registry) {
    this.disperser = disperser;
    this.retriever = retriever;
    this.registry = registry;
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
    BlobHeader header = registry.header(blobKey)
        .or(() -> retriever.findHeader(blobKey))
        .orElseThrow(() -> new UnknownBlobException("no certificate and no DA node knows blob " + blobKey));
    return retriever.retrieve(header);
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    return registry.isAvailable(blobKey);
  }
}
