package dev.trustdial.core;

/**
 * A caller gave input that TrustDial refuses (malformed, out of range, over a limit, unknown id).
 * The message is written for a user to act on; the CLI maps it to exit code 2 and the HTTP servers
 * to a 4xx answer. Never thrown for internal faults.
 */
public class InvalidInputException extends RuntimeException {
  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
