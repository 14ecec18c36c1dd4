package dev.trustdial.da.kzg;

import dev.trustdial.core.InvalidInputException;

/** A KZG opening at one point: the value {@code y} (32 bytes, big-endian) and its proof. */
public record PointOpening(byte[] y, KzgProof proof) {
  public PointOpening {
    if (y.length != 32) {
      throw new InvalidInputException("an evaluation is 32 bytes, got " + y.length);
    }
    y = y.clone();
  }

  @Override
  public byte[] y() {
    return y.clone();
  }
}
