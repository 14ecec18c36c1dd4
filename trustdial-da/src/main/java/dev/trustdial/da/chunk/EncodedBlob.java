package dev.trustdial.da.chunk;

import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.CellsAndProofs;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.kzg.KzgProof;
import java.util.ArrayList;
import java.util.List;

/**
 * A blob after encoding: its size, one commitment per sub-blob, and every sub-blob's cells and
 * proofs.
 */
public record EncodedBlob(
    int size, List<KzgCommitment> commitments, List<CellsAndProofs> extended) {
  public EncodedBlob {
    commitments = List.copyOf(commitments);
    extended = List.copyOf(extended);
    if (commitments.size() != extended.size() || commitments.isEmpty()) {
      throw new IllegalArgumentException(
          "one commitment per extended sub-blob, got "
              + commitments.size()
              + "/"
              + extended.size());
    }
  }

  public Chunk chunk(int index) {
    List<Cell> cells = new ArrayList<>(extended.size());
    List<KzgProof> proofs = new ArrayList<>(extended.size());
    for (CellsAndProofs cp : extended) {
      cells.add(cp.cells().get(index));
      proofs.add(cp.proofs().get(index));
    }
    return new Chunk(index, cells, proofs);
  }

  public List<Chunk> chunks() {
    List<Chunk> out = new ArrayList<>(Kzg.CELLS);
    for (int j = 0; j < Kzg.CELLS; j++) {
      out.add(chunk(j));
    }
    return out;
  }
}
