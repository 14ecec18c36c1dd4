package dev.trustdial.da.chunk;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.CellsAndProofs;
import dev.trustdial.da.kzg.IndexedCell;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.kzg.SubBlob;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Rebuilds blob bytes from at least 64 distinct <em>already verified</em> chunks (docs/spec/da.md
 * §3): directly from the systematic half when it is complete, otherwise by recovering each sub-blob
 * and checking it against its commitment.
 */
public final class BlobReconstructor {
  private final Kzg kzg;

  public BlobReconstructor(Kzg kzg) {
    this.kzg = kzg;
  }

  public byte[] reconstruct(
      int size, List<KzgCommitment> commitments, Collection<Chunk> verifiedChunks) {
    Map<Integer, Chunk> byIndex = new TreeMap<>();
    for (Chunk c : verifiedChunks) {
      if (c.subBlobCount() != commitments.size()) {
        throw new IllegalArgumentException(
            "chunk "
                + c.index()
                + " covers "
                + c.subBlobCount()
                + " sub-blobs, the blob has "
                + commitments.size());
      }
      byIndex.putIfAbsent(c.index(), c);
    }
    if (byIndex.size() < Kzg.RECONSTRUCTION_CELLS) {
      throw new InvalidInputException(
          "reconstruction needs 64 distinct chunks, got " + byIndex.size());
    }
    boolean systematic =
        IntStream.range(0, Kzg.RECONSTRUCTION_CELLS).allMatch(byIndex::containsKey);
    List<SubBlob> subBlobs =
        IntStream.range(0, commitments.size())
            .parallel()
            .mapToObj(s ->
                systematic ? fromSystematic(byIndex, s) : recover(byIndex, s, commitments.get(s)))
            .toList();
    byte[] data = BlobCodec.decode(subBlobs);
    if (data.length != size) {
      throw new InvalidInputException(
          "reconstructed blob has " + data.length + " bytes, header says " + size);
    }
    return data;
  }

  private static SubBlob fromSystematic(Map<Integer, Chunk> byIndex, int s) {
    // Cells 0..63 of the extended sub-blob are the sub-blob itself; their proofs were verified.
    byte[] out = new byte[SubBlob.BYTES];
    for (int j = 0; j < Kzg.RECONSTRUCTION_CELLS; j++) {
      byIndex.get(j).cells().get(s).copyTo(out, j * Cell.BYTES);
    }
    return new SubBlob(out);
  }

  private SubBlob recover(Map<Integer, Chunk> byIndex, int s, KzgCommitment commitment) {
    List<IndexedCell> cells = new ArrayList<>(Kzg.RECONSTRUCTION_CELLS);
    for (Chunk c : byIndex.values()) {
      cells.add(new IndexedCell(c.index(), c.cells().get(s)));
      if (cells.size() == Kzg.RECONSTRUCTION_CELLS) {
        break;
      }
    }
    CellsAndProofs all = kzg.recover(cells);
    byte[] out = new byte[SubBlob.BYTES];
    for (int j = 0; j < Kzg.RECONSTRUCTION_CELLS; j++) {
      all.cells().get(j).copyTo(out, j * Cell.BYTES);
    }
    SubBlob sub = new SubBlob(out);
    if (!kzg.commit(sub).equals(commitment)) {
      throw new InvalidInputException("recovered sub-blob " + s + " does not match its commitment");
    }
    return sub;
  }
}
