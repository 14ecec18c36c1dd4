package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;
import ethereum.ckzg4844.CKZG4844JNI;
import ethereum.ckzg4844.CKZGException;
import ethereum.ckzg4844.ProofAndY;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Kzg} over c-kzg-4844 (jc-kzg-4844). The native library keeps one global trusted setup per
 * process, so this is a process-wide singleton loaded from the setup shipped as a resource.
 */
public final class JniKzg implements Kzg {
  private static final String SETUP_RESOURCE = "/dev/trustdial/da/kzg/trusted_setup.txt";
  private static JniKzg instance;

  private JniKzg() {}

  /**
   * The process-wide instance. {@code precompute} (0..15) trades setup memory and load time for
   * faster cell proofs; it only takes effect on the first call in a process.
   */
  public static synchronized JniKzg load(int precompute) {
    if (precompute < 0 || precompute > 15) {
      throw new IllegalArgumentException("KZG precompute must be 0..15, got " + precompute);
    }
    if (instance == null) {
      CKZG4844JNI.loadNativeLibrary();
      Path tmp = null;
      try (InputStream in = JniKzg.class.getResourceAsStream(SETUP_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("KZG trusted setup resource missing: " + SETUP_RESOURCE);
        }
        // The JNI reads the setup from a file path, so the resource goes through a temp file.
        tmp = Files.createTempFile("trustdial-kzg-setup", ".txt");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        CKZG4844JNI.loadTrustedSetup(tmp.toString(), precompute);
      } catch (IOException e) {
        throw new IllegalStateException("cannot extract the KZG trusted setup", e);
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // a leftover temp file is harmless
          }
        }
      }
      instance = new JniKzg();
    }
    return instance;
  }

  /** The instance with the precompute level the DA components use by default. */
  public static JniKzg load() {
    return load(Integer.getInteger("trustdial.kzg.precompute", 0));
  }

  @Override
  public KzgCommitment commit(SubBlob subBlob) {
    try {
      return new KzgCommitment(CKZG4844JNI.blobToKzgCommitment(subBlob.bytes()));
    } catch (CKZGException e) {
      throw new InvalidInputException("sub-blob is not a valid KZG blob: " + e.getMessage(), e);
    }
  }

  @Override
  public KzgProof blobProof(SubBlob subBlob, KzgCommitment commitment) {
    try {
      return new KzgProof(CKZG4844JNI.computeBlobKzgProof(subBlob.bytes(), commitment.bytes()));
    } catch (CKZGException e) {
      throw new InvalidInputException("cannot prove the sub-blob: " + e.getMessage(), e);
    }
  }

  @Override
  public PointOpening openAt(SubBlob subBlob, byte[] z) {
    try {
      ProofAndY p = CKZG4844JNI.computeKzgProof(subBlob.bytes(), z);
      return new PointOpening(p.getY(), new KzgProof(p.getProof()));
    } catch (CKZGException e) {
      throw new InvalidInputException("cannot open the sub-blob at z: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verifyPoint(KzgCommitment commitment, byte[] z, byte[] y, KzgProof proof) {
    try {
      return CKZG4844JNI.verifyKzgProof(commitment.bytes(), z, y, proof.bytes());
    } catch (CKZGException e) {
      return false; // a non-canonical z or y, or a point not on the curve: not a valid opening
    }
  }

  @Override
  public CellsAndProofs cellsAndProofs(SubBlob subBlob) {
    ethereum.ckzg4844.CellsAndProofs cp;
    try {
      cp = CKZG4844JNI.computeCellsAndKzgProofs(subBlob.bytes());
    } catch (CKZGException e) {
      throw new InvalidInputException("sub-blob is not a valid KZG blob: " + e.getMessage(), e);
    }
    return split(cp);
  }

  @Override
  public boolean verifyCells(List<CellCheck> checks) {
    if (checks.isEmpty()) {
      return true;
    }
    int n = checks.size();
    byte[] commitments = new byte[n * KzgCommitment.BYTES];
    long[] indices = new long[n];
    byte[] cells = new byte[n * Cell.BYTES];
    byte[] proofs = new byte[n * KzgProof.BYTES];
    for (int i = 0; i < n; i++) {
      CellCheck c = checks.get(i);
      System.arraycopy(
          c.commitment().bytes(), 0, commitments, i * KzgCommitment.BYTES, KzgCommitment.BYTES);
      indices[i] = c.cellIndex();
      c.cell().copyTo(cells, i * Cell.BYTES);
      System.arraycopy(c.proof().bytes(), 0, proofs, i * KzgProof.BYTES, KzgProof.BYTES);
    }
    try {
      return CKZG4844JNI.verifyCellKzgProofBatch(commitments, indices, cells, proofs);
    } catch (CKZGException e) {
      // Bytes that are not a curve point or a field element are a failed proof, not a crash.
      return false;
    }
  }

  @Override
  public CellsAndProofs recover(List<IndexedCell> cells) {
    Set<Integer> seen = new HashSet<>();
    List<IndexedCell> distinct = new ArrayList<>();
    for (IndexedCell c : cells) {
      if (seen.add(c.index())) {
        distinct.add(c);
      }
    }
    if (distinct.size() < RECONSTRUCTION_CELLS) {
      throw new InvalidInputException(
          "recovery needs " + RECONSTRUCTION_CELLS + " distinct cells, got " + distinct.size());
    }
    distinct.sort((a, b) -> Integer.compare(a.index(), b.index()));
    long[] indices = new long[distinct.size()];
    byte[] bytes = new byte[distinct.size() * Cell.BYTES];
    for (int i = 0; i < distinct.size(); i++) {
      indices[i] = distinct.get(i).index();
      distinct.get(i).cell().copyTo(bytes, i * Cell.BYTES);
    }
    try {
      return split(CKZG4844JNI.recoverCellsAndKzgProofs(indices, bytes));
    } catch (CKZGException e) {
      throw new InvalidInputException("cells do not recover a sub-blob: " + e.getMessage(), e);
    }
  }

  private static CellsAndProofs split(ethereum.ckzg4844.CellsAndProofs cp) {
    byte[] cells = cp.getCells();
    byte[] proofs = cp.getProofs();
    assert cells.length == CELLS * Cell.BYTES && proofs.length == CELLS * KzgProof.BYTES;
    List<Cell> cellList = new ArrayList<>(CELLS);
    List<KzgProof> proofList = new ArrayList<>(CELLS);
    for (int i = 0; i < CELLS; i++) {
      cellList.add(
          new Cell(java.util.Arrays.copyOfRange(cells, i * Cell.BYTES, (i + 1) * Cell.BYTES)));
      proofList.add(
          new KzgProof(
              java.util.Arrays.copyOfRange(proofs, i * KzgProof.BYTES, (i + 1) * KzgProof.BYTES)));
    }
    return new CellsAndProofs(cellList, proofList);
  }
}
