package dev.trustdial.da.kzg;

import java.util.List;

/** The 128 cells of an extended sub-blob with their proofs; cell i is proven by proof i. */
public record CellsAndProofs(List<Cell> cells, List<KzgProof> proofs) {
  public CellsAndProofs {
    cells = List.copyOf(cells);
    proofs = List.copyOf(proofs);
    if (cells.size() != Kzg.CELLS || proofs.size() != Kzg.CELLS) {
      throw new IllegalArgumentException(
          "an extended sub-blob has 128 cells and proofs, got "
              + cells.size()
              + "/"
              + proofs.size());
    }
  }
}
