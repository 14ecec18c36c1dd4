package dev.trustdial.da.kzg;

/** A cell together with its position in the extended sub-blob, as recovery takes it. */
public record IndexedCell(int index, Cell cell) {
  public IndexedCell {
    if (index < 0 || index >= Kzg.CELLS) {
      throw new IllegalArgumentException("cell index out of range: " + index);
    }
  }
}
