package dev.trustdial.da.inspect;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Each node of a blob's set asked for its assigned chunks, every answer checked against the blob's
 * KZG commitments: which chunks each node holds (verified), which it served wrong, which it lacks,
 * and whether the verified chunks together are enough (64 of 128) to rebuild the blob.
 */
public record RetrievalTest(
    Bytes32 blobKey,
    List<NodeRetrieval> nodes,
    int verifiedChunks,
    boolean rebuildable,
    long millis) {
  public RetrievalTest {
    nodes = List.copyOf(nodes);
  }

  /**
   * One node's answer: the chunk indices it was assigned and those it served that passed their cell
   * proofs; {@code rejected} counts chunks that failed them; {@code error} says why the node did
   * not answer at all (unreachable, unknown blob).
   */
  public record NodeRetrieval(
      int operatorIndex,
      Address signer,
      URI endpoint,
      List<Integer> assigned,
      List<Integer> verified,
      int rejected,
      Optional<String> error) {
    public NodeRetrieval {
      assigned = List.copyOf(assigned);
      verified = List.copyOf(verified);
    }
  }
}
