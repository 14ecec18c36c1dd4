package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;

/**
 * Chunks whose cells do not verify against the header's commitments (HTTP 422): nothing is stored
 * or signed.
 */
public final class ChunkRejectedException extends InvalidInputException {
  public ChunkRejectedException(String message) {
    super(message);
  }
}
