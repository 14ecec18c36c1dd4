package dev.trustdial.zk;

/**
 * A node process (snarkjs, circom2, solcjs) failed, timed out or could not start. The message names
 * the command and ends with the tail of what it printed.
 */
public class ToolFailedException extends RuntimeException {
  private final int exitCode;
  private final String output;

  public ToolFailedException(String message, int exitCode, String output) {
    super(message);
    this.exitCode = exitCode;
    this.output = output;
  }

  public ToolFailedException(String message, Throwable cause) {
    super(message, cause);
    this.exitCode = -1;
    this.output = "";
  }

  /** The exit code, or -1 when the process timed out or did not start. */
  public int exitCode() {
    return exitCode;
  }

  /** What the process printed (stdout then stderr, colour codes removed, tail kept). */
  public String output() {
    return output;
  }
}
