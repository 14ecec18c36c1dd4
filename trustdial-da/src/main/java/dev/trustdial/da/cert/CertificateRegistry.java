package dev.trustdial.da.cert;

import dev.trustdial.core.bytes.Bytes32;
import java.util.Optional;

/**
 * Where valid certificates are recorded (the BlobRegistry contract onchain; a local store without a
 * chain). {@link #register} refuses a certificate that fails the security check.
 */
public interface CertificateRegistry {
  /** Records a certificate after checking it; an InvalidInputException if it does not pass. */
  void register(DaCertificate certificate);

  Optional<BlobHeader> header(Bytes32 blobKey);

  /**
   * The recorded certificate with its attestations, for inspection; empty when none is recorded.
   */
  Optional<RecordedCertificate> certificate(Bytes32 blobKey);

  /** Registered and not yet expired. */
  boolean isAvailable(Bytes32 blobKey);
}
