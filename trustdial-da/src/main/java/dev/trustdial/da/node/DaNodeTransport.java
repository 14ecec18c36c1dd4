package dev.trustdial.da.node;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import java.util.List;

/**
 * How dispersers and retrievers talk to DA nodes. Every failure (unreachable, refused, malformed
 * answer) is a {@link DaNodeException}; callers treat one node's failure as that node's fault only.
 */
public interface DaNodeTransport {
  StoreReceipt store(Operator operator, ChunkUpload upload);

  BlobHeader header(Operator operator, Bytes32 blobKey);

  /** The requested chunks the node returns; they are <em>not</em> verified here. */
  List<Chunk> chunks(Operator operator, Bytes32 blobKey, List<Integer> indices);
}
