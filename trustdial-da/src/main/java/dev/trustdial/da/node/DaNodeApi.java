package dev.trustdial.da.node;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import java.util.List;

/**
 * What the node HTTP server serves; {@link DaNode} is the real one, tests wrap it to inject faults.
 */
public interface DaNodeApi {
  Address operator();

  /**
   * Stores and signs an upload from {@code uploader} (its client address, docs/spec/da.md §7.1).
   */
  StoreReceipt store(ChunkUpload upload, Uploader uploader);

  BlobHeader header(Bytes32 blobKey);

  List<Chunk> chunks(Bytes32 blobKey, List<Integer> indices);

  int blobCount();

  /** Deletes expired blobs; returns how many. */
  int sweep();
}
