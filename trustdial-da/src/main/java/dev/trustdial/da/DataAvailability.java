package dev.trustdial.da;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.cert.DaCertificate;

/**
 * The DA layer as the rest of TrustDial uses it: store bytes and get a certificate, read bytes back
 * by blob key. KZG, chunking, nodes and the registry are details behind it.
 */
public interface DataAvailability {
  /**
   * Disperses and registers {@code data} (at most 16 MiB); the certificate passed the security
   * check.
   */
  DaCertificate put(byte[] data);

  /**
   * The bytes of a blob, rebuilt from verified chunks; BlobUnavailableException if that is
   * impossible now.
   */
  byte[] get(Bytes32 blobKey);

  /** Whether a valid, unexpired certificate for the key is registered. */
  boolean isAvailable(Bytes32 blobKey);
}
