package dev.trustdial.chain;

/** The chain could not be reached, or answered something it should not have. Not a user error. */
public final class ChainUnavailableException extends RuntimeException {
  public ChainUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
