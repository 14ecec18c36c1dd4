package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;

/** A blob key this node does not hold, or holds no longer (HTTP 404). */
public final class UnknownBlobException extends InvalidInputException {
  public UnknownBlobException(String message) {
    super(message);
  }
}
