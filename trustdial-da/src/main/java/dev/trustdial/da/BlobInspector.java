package dev.trustdial.da;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;

/**
 * Read-only inspection of one blob, for explorers and operators: the certificate and who signed it,
 * and which node holds which chunks. It never writes to DA or to the chain.
 */
public interface BlobInspector {
  /**
   * The header, certificate and chunk assignment of a blob; an UnknownBlobException when neither
   * the registry nor a node knows it.
   */
  BlobInspection inspect(Bytes32 blobKey);

  /**
   * Asks every node of the blob's set for its assigned chunks and checks each against the KZG
   * commitments.
   */
  RetrievalTest testRetrieval(Bytes32 blobKey);
}
