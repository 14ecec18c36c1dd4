package dev.trustdial.explorer.detail;

/**
 * Something the chain or DA holds for a job that does not read as its spec says (shown on the page,
 * never a 500).
 */
public final class DetailException extends RuntimeException {
  public DetailException(String message) {
    super(message);
  }
}
