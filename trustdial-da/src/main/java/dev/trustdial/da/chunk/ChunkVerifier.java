package dev.trustdial.da.chunk;

import dev.trustdial.da.kzg.CellCheck;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgCommitment;
import java.util.ArrayList;
import java.util.List;

/** Checks chunks against a blob's sub-blob commitments with batched cell-proof verification. */
public final class ChunkVerifier {
  private final Kzg kzg;

  public ChunkVerifier(Kzg kzg) {
    this.kzg = kzg;
  }

  /** True iff the chunk covers every sub-blob and each cell matches its commitment and proof. */
  public boolean verify(List<KzgCommitment> commitments, Chunk chunk) {
    return verifyAll(commitments, List.of(chunk));
  }

  /** One batch over all cells of all chunks: true iff every one of them verifies. */
  public boolean verifyAll(List<KzgCommitment> commitments, List<Chunk> chunks) {
    List<CellCheck> checks = new ArrayList<>();
    for (Chunk c : chunks) {
      if (c.subBlobCount() != commitments.size()) {
        return false;
      }
      for (int s = 0; s < commitments.size(); s++) {
        checks.add(
            new CellCheck(commitments.get(s), c.index(), c.cells().get(s), c.proofs().get(s)));
      }
    }
    return kzg.verifyCells(checks);
  }
}
