package dev.trustdial.da.node;

/**
 * A DA node could not be reached, refused a request ({@code status} ≥ 400), or answered garbage
 * (status 0).
 */
public final class DaNodeException extends RuntimeException {
  private final int status;

  public DaNodeException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
