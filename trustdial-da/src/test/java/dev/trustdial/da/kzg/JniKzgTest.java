package dev.trustdial.da.kzg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.da.codec.BlobCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JniKzgTest {
  private static Kzg kzg;
  private static SubBlob blob;
  private static CellsAndProofs extended;
  private static KzgCommitment commitment;

  @BeforeAll
  static void encode() {
    kzg = JniKzg.load();
    byte[] data = new byte[100_000];
    new Random(7).nextBytes(data);
    blob = BlobCodec.encode(data).getFirst();
    commitment = kzg.commit(blob);
    extended = kzg.cellsAndProofs(blob);
  }

  @Test
  void zeroSubBlobCommitsToThePointAtInfinity() {
    // The empty blob encodes to all zeros: the zero polynomial, whose commitment is the identity.
    KzgCommitment c = kzg.commit(BlobCodec.encode(new byte[0]).getFirst());
    assertThat(c.toString()).isEqualTo("0xc0" + "00".repeat(47));
  }

  @Test
  void firstSixtyFourCellsAreTheSubBlobItself() {
    byte[] systematic = new byte[SubBlob.BYTES];
    for (int j = 0; j < 64; j++) {
      extended.cells().get(j).copyTo(systematic, j * Cell.BYTES);
    }
    assertThat(systematic).isEqualTo(blob.bytes());
  }

  @Test
  void everyCellVerifiesAndATamperedOneDoesNot() {
    List<CellCheck> all = new ArrayList<>();
    for (int j = 0; j < 128; j++) {
      all.add(new CellCheck(commitment, j, extended.cells().get(j), extended.proofs().get(j)));
    }
    assertThat(kzg.verifyCells(all)).isTrue();

    byte[] bad = extended.cells().get(77).bytes();
    bad[100] ^= 1;
    List<CellCheck> tampered = new ArrayList<>(all);
    tampered.set(77, new CellCheck(commitment, 77, new Cell(bad), extended.proofs().get(77)));
    assertThat(kzg.verifyCells(tampered)).isFalse();

    // A genuine cell claimed at the wrong position ("foreign" cell) fails too.
    assertThat(
            kzg.verifyCells(
                List.of(
                    new CellCheck(
                        commitment, 5, extended.cells().get(6), extended.proofs().get(6)))))
        .isFalse();

    // Bytes that are not a field element are a failed check, not a crash.
    byte[] notField = new byte[Cell.BYTES];
    java.util.Arrays.fill(notField, (byte) 0xff);
    assertThat(
            kzg.verifyCells(
                List.of(
                    new CellCheck(commitment, 0, new Cell(notField), extended.proofs().get(0)))))
        .isFalse();
  }

  @Test
  void recoversFromAnySixtyFourCells() {
    Random rnd = new Random(42);
    for (int trial = 0; trial < 3; trial++) {
      List<Integer> idx = new ArrayList<>();
      for (int j = 0; j < 128; j++) {
        idx.add(j);
      }
      Collections.shuffle(idx, rnd);
      if (trial == 0) {
        // the hardest case for the systematic shortcut: only parity cells
        idx = new ArrayList<>(idx.stream().sorted().toList().subList(64, 128));
      }
      List<IndexedCell> some = new ArrayList<>();
      for (int j : idx.subList(0, 64)) {
        some.add(new IndexedCell(j, extended.cells().get(j)));
      }
      CellsAndProofs rec = kzg.recover(some);
      assertThat(rec.cells()).isEqualTo(extended.cells());
      assertThat(rec.proofs()).isEqualTo(extended.proofs());
    }
  }

  @Test
  void recoveryNeedsSixtyFourDistinctCells() {
    List<IndexedCell> dup = new ArrayList<>();
    for (int j = 0; j < 63; j++) {
      dup.add(new IndexedCell(j, extended.cells().get(j)));
    }
    dup.add(new IndexedCell(0, extended.cells().get(0)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kzg.recover(dup))
        .hasMessageContaining("64 distinct cells");
  }

  @Test
  void valueTypesCheckTheirSizes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KzgCommitment(new byte[47]))
        .hasMessageContaining("48 bytes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Cell(new byte[2047]))
        .hasMessageContaining("2048 bytes");
    assertThat(Hex.encode(commitment.bytes())).hasSize(2 + 96);
  }
}
